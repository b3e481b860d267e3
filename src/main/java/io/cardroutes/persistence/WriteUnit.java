package io.cardroutes.persistence;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.hibernate.StatelessSession;

/**
 * One write handed to {@link GroupCommit}: its work, the future its caller waits on, and how it runs
 * when it cannot share a group's transaction.
 */
final class WriteUnit<T> {

    final Function<StatelessSession, T> work;
    final CompletableFuture<T> done = new CompletableFuture<>();
    final long queuedAt = System.nanoTime();

    WriteUnit(Function<StatelessSession, T> work) {
        this.work = work;
    }

    /**
     * In a transaction of its own: a lone unit, a failed group's units, shutdown, writes outside
     * the writer. Returns its failure, null once committed.
     */
    Throwable run(Database database) {
        try {
            done.complete(alone(database));
            return null;
        } catch (RuntimeException | Error e) {
            done.completeExceptionally(e);
            return e;
        }
    }

    /**
     * On the writer: like {@link #run}, but an Error leaves the unit open, so that it fails only once
     * the writer has marked itself stopped (its caller then sees the health check DOWN, not UP).
     */
    Throwable runOnWriter(Database database) {
        try {
            done.complete(alone(database));
            return null;
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return e;
        } catch (Error e) {
            return e;
        }
    }

    private T alone(Database database) {
        return Transactions.alone(database.sessions().openStatelessSession(), work);
    }

    void fail(Throwable failure) {
        done.completeExceptionally(failure);
    }

    @SuppressWarnings("unchecked")
    void complete(Object result) {
        done.complete((T) result);
    }

    /**
     * The write's result once it is committed; its own exception if it failed. Waits out interrupts
     * (the write is queued: its outcome must still be known), but not beyond the timeout; a write still
     * in {@code queue} then is withdrawn from it.
     */
    T await(Duration timeout, Collection<?> queue) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    if (queue.remove(this)) {
                        throw new IllegalStateException("the ledger writer did not take this write within "
                                + timeout.toMillis() + " ms; it was withdrawn, not written");
                    }
                    if (!done.isDone()) {
                        throw new IllegalStateException("the ledger writer did not commit this write within "
                                + timeout.toMillis() + " ms; it may still be committed later: its outcome is unknown");
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
