package io.cardroutes.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A health check whose probe says what is wrong (null: nothing), DOWN with that reason. The probe runs
 * on a thread of its own and is waited for at most {@code bound}: a database or broker that hangs makes
 * the check DOWN ("no answer within ..."), never the health endpoint slow. A probe still running from
 * an earlier call is waited for again rather than started twice.
 */
final class ProbeCheck extends AbstractHealthCheck {

    enum Kind { READINESS, INFO }

    private final Kind kind;
    private final Duration bound;
    private final Executor executor;
    private final Callable<String> probe;
    private CompletableFuture<String> running;

    ProbeCheck(String id, Kind kind, Duration bound, Executor executor, Callable<String> probe) {
        super("cardroutes", id);
        this.kind = kind;
        this.bound = bound;
        this.executor = executor;
        this.probe = probe;
    }

    @Override
    public boolean isLiveness() {
        return false; // a restart does not bring a database, a broker or EnKash back
    }

    @Override
    public boolean isReadiness() {
        return kind == Kind.READINESS;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String trouble;
        try {
            trouble = current().get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            trouble = "no answer within " + bound.toMillis() + " ms";
        } catch (ExecutionException e) {
            trouble = reason(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            trouble = "interrupted";
        }
        if (trouble == null) {
            builder.up();
        } else {
            builder.message(getId() + ": " + trouble).down();
        }
    }

    private synchronized CompletableFuture<String> current() {
        if (running == null || running.isDone()) {
            running = CompletableFuture.supplyAsync(() -> {
                try {
                    return probe.call();
                } catch (Exception e) {
                    return reason(e);
                }
            }, executor);
        }
        return running;
    }

    /** The innermost cause, class and message, kept short (connection failures quote no data). */
    static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        return text.length() > 300 ? text.substring(0, 300) : text;
    }
}
