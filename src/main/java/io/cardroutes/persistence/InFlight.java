package io.cardroutes.persistence;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * The requests this process holds in flight, each with the signal its in-process duplicates (a
 * duplicate line, a redelivered message) wait on, so that their replay reports the outcome rather
 * than "SENDING". Shared by {@link Claims} and {@link Leases}, which take requests, and
 * {@link OutcomeWriter}, whose commit of an outcome wakes them.
 */
public final class InFlight {

    /** Internal: the signal that wakes this request's in-process duplicates once its outcome is recorded. */
    private static final String SETTLED_SIGNAL = "cardSettledSignal";

    private final Map<String, CompletableFuture<Void>> signals = new ConcurrentHashMap<>();

    /** Requests this process holds in flight right now (taken, outcome not yet recorded). */
    public int size() {
        return signals.size();
    }

    /** Registers the signal of a request being taken (before the commit, so a duplicate that reads the row can wait on it). */
    void put(String requestId, CompletableFuture<Void> signal) {
        signals.put(requestId, signal);
    }

    /** Like {@link #put}, but only when no one in this process is taking or holding the request; false otherwise. */
    boolean putIfAbsent(String requestId, CompletableFuture<Void> signal) {
        return signals.putIfAbsent(requestId, signal) == null;
    }

    /** Wakes the duplicates waiting for this request's outcome (if the signal is still the current one). */
    void settle(String requestId, CompletableFuture<Void> signal) {
        signals.remove(requestId, signal);
        signal.complete(null);
    }

    /**
     * Waits, within {@code bound}, for the outcome of a request this process holds, or is taking over
     * from a gone one right now; false at once when it holds no signal for it.
     */
    boolean await(String requestId, Duration bound) {
        CompletableFuture<Void> signal = signals.get(requestId);
        if (signal == null) {
            return false;
        }
        try {
            signal.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException stillInFlight) {
            // report it as it stands
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** This exchange holds the request: its recorded outcome (or, as a backstop, its end) wakes the duplicates. */
    void hold(Exchange exchange, String requestId, CompletableFuture<Void> signal) {
        Held held = new Held(signal);
        exchange.setProperty(SETTLED_SIGNAL, held);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                if (!held.recorded) {
                    settle(requestId, signal); // ended without an outcome: nothing more will come
                }
            }
        });
    }

    /**
     * The exchange's outcome goes to the writer now: from then on the commit, not the exchange's end,
     * wakes the duplicates. Returns what wakes them, to run once the commit is done (nothing to do
     * when this exchange holds no request).
     */
    Runnable outcomeQueued(Exchange exchange, String requestId) {
        Held held = exchange.getProperty(SETTLED_SIGNAL, Held.class);
        if (held == null) {
            return () -> { };
        }
        held.recorded = true;
        return () -> settle(requestId, held.signal);
    }

    /** A request an exchange holds: the signal its duplicates wait on, and whether its outcome went to the writer. */
    private static final class Held {
        final CompletableFuture<Void> signal;
        volatile boolean recorded;

        Held(CompletableFuture<Void> signal) {
            this.signal = signal;
        }
    }
}
