package io.cardroutes.ops;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.cardroutes.mail.EnkashWatch;
import io.cardroutes.pipeline.CardExchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;

/**
 * The meters recorded once or twice per request: the duration of every EnKash call
 * ({@code cardroutes_enkash_call_seconds} by operation and answer class) and the count of outcomes
 * ({@code cardroutes_requests_total} by channel and status). Same names, tags and {@code camelContext}
 * label as the {@code micrometer:} endpoints they replace on the request path: those parse their
 * {@code simple} parameters and look up the meter for every message, and turning the timer's
 * {@code action} text into its enum took 7 % of the CPU under load (bench/README.md). The other
 * counters (redeliveries, DLQ, mail failures) stay {@code micrometer:} endpoints in the routes.
 *
 * <p>Also tells {@link EnkashWatch} whether each call got an answer, in place of an event notifier
 * that made Camel raise two events for every message sent anywhere.
 */
public class CallMeters {

    /** Property holding {@link System#nanoTime()} when the call left. */
    static final String CALL_STARTED = "cardCallStartedNs";

    private final MeterRegistry registry;
    private final Supplier<String> context;
    private final EnkashWatch watch;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> outcomes = new ConcurrentHashMap<>();

    public CallMeters(MeterRegistry registry, Supplier<String> camelContextName, EnkashWatch watch) {
        this.registry = registry;
        this.context = camelContextName;
        this.watch = watch;
    }

    /** Before an EnKash call leaves. */
    public void callStarted(Exchange exchange) {
        exchange.setProperty(CALL_STARTED, System.nanoTime());
    }

    /**
     * After an EnKash call, answered or not: sets its answer class (2xx, 4xx, 5xx, or none when no
     * HTTP answer came: timeout, connection refused or reset) as {@value CardExchange#CALL_ANSWER},
     * records its duration under it and tells the watch whether EnKash answered (502, 503 and 504 are a
     * gateway answering for it: no answer).
     */
    public void callEnded(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String answer = status == null ? "none" : (status / 100) + "xx";
        String operation = exchange.getProperty(CardExchange.CALL_OPERATION, "unknown", String.class);
        Long started = exchange.getProperty(CALL_STARTED, Long.class);
        if (started != null) {
            timers.computeIfAbsent(operation + '\n' + answer, k -> Timer.builder(ManagementMetrics.ENKASH_CALL_TIMER)
                    .tag("operation", operation).tag("answer", answer).tag("camelContext", context.get())
                    .register(registry)).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        watch.called(status != null && status != 502 && status != 503 && status != 504);
        exchange.setProperty(CardExchange.CALL_ANSWER, answer);
    }

    /** Counts a request's outcome by channel (NONE when it has none) and status; once per outcome recorded. */
    public void outcome(Exchange exchange) {
        String channel = exchange.getProperty(CardExchange.CHANNEL, "NONE", String.class);
        String status = String.valueOf(exchange.getProperty(CardExchange.OUTCOME_STATUS, String.class));
        outcomes.computeIfAbsent(channel + '\n' + status, k -> Counter.builder("cardroutes.requests")
                .tag("channel", channel).tag("status", status).tag("camelContext", context.get())
                .register(registry)).increment();
    }
}
