package io.cardroutes.enkash;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.cardroutes.Settings;
import io.cardroutes.persistence.RateGate;
import io.cardroutes.pipeline.CardExchange;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Registry;

/**
 * When an EnKash API call may go (routes/enkash-call.camel.yaml waits as {@link #turn} says, then sends).
 * Three things hold a call back, each shared or seen alike by every instance: the circuit breaker while
 * EnKash is failing ({@link EnkashCircuit}); a Retry-After that any instance received ({@link #pause}),
 * held in the database; and the requests-per-second ceiling {@code enkash.rate.max-per-second}, whose
 * slots the database hands out ({@link RateGate}). Without a ceiling no slot is taken, and the shared pause
 * is read at most once per {@code enkash.rate.pause-check-ms}.
 */
public final class EnkashLimits {

    private final RateGate gate;
    private final EnkashCircuit circuit;
    private final Clock clock;
    private final long spacingMs;
    private final long pauseCheckMs;
    private final long maxWaitMs;
    private final Duration retryAfterCap;
    private volatile long pausedUntil;
    private final AtomicLong pauseCheckedAt = new AtomicLong();

    public EnkashLimits(RateGate gate, EnkashCircuit circuit, Clock clock, double maxPerSecond, long pauseCheckMs,
            long maxWaitMs, Duration retryAfterCap) {
        if (maxPerSecond < 0) {
            throw new IllegalArgumentException("enkash.rate.max-per-second must be 0 (no ceiling) or more");
        }
        this.gate = gate;
        this.circuit = circuit;
        this.clock = clock;
        this.spacingMs = maxPerSecond == 0 ? 0 : Math.max(1, Math.round(1000 / maxPerSecond));
        this.pauseCheckMs = pauseCheckMs;
        this.maxWaitMs = maxWaitMs;
        this.retryAfterCap = retryAfterCap;
    }

    /** Binds {@code enkashLimits}, {@code enkashCircuit} and its breaker {@code enkashCircuitBreaker}. */
    public static void bind(Registry registry, Settings s, RateGate gate, Clock clock, MeterRegistry meters) {
        EnkashCircuit circuit = new EnkashCircuit(new EnkashCircuit.Settings(s.flag("enkash.circuit.enabled"),
                (float) s.decimal("enkash.circuit.failure-rate-percent"), s.integer("enkash.circuit.window-s"),
                s.integer("enkash.circuit.minimum-calls"), Duration.ofMillis(s.longValue("enkash.circuit.open-ms")),
                s.integer("enkash.circuit.half-open-calls")), clock, meters);
        registry.bind("enkashCircuit", circuit);
        registry.bind("enkashCircuitBreaker", circuit.breaker());
        registry.bind("enkashLimits", new EnkashLimits(gate, circuit, clock, s.decimal("enkash.rate.max-per-second"),
                s.longValue("enkash.rate.pause-check-ms"), s.longValue("enkash.rate.max-wait-ms"),
                Duration.ofMillis(s.longValue("enkash.retry.retry-after-cap-ms"))));
    }

    /**
     * Sets {@value CardExchange#CALL_WAIT_MS}, how long the call waits before it asks again (0: it goes
     * now). Called in a loop until that is 0; the first round of a loop starts the call's wait. A call holding a slot goes when the slot is due,
     * unless a pause began meanwhile or it woke up too late (more than half the spacing): then it takes a new slot.
     *
     * @throws EnkashHeldBackException once the call has waited longer than enkash.rate.max-wait-ms
     */
    public void turn(Exchange exchange) {
        exchange.setProperty(CardExchange.CALL_WAIT_MS, nextWait(exchange));
    }

    private long nextWait(Exchange exchange) {
        long now = clock.millis();
        if (exchange.getProperty(Exchange.LOOP_INDEX, 0, Integer.class) == 0
                || exchange.getProperty(CardExchange.CALL_WAITING_SINCE) == null) {
            exchange.setProperty(CardExchange.CALL_WAITING_SINCE, now);
            exchange.removeProperty(CardExchange.CALL_SLOT);
        }
        Long slot = exchange.getProperty(CardExchange.CALL_SLOT, Long.class);
        if (slot != null) {
            exchange.removeProperty(CardExchange.CALL_SLOT);
            // no database read here, between the slot and the send: every slot taken brings the pause along
            boolean paused = pausedUntil > now;
            if (!paused && slot > now) {
                exchange.setProperty(CardExchange.CALL_SLOT, slot);
                return slot - now;
            }
            if (!paused && now - slot <= spacingMs / 2) {
                return go(exchange);
            }
            // paused meanwhile, or woken so late that going now would crowd the next slot's call: a new slot
        }
        long waited = now - exchange.getProperty(CardExchange.CALL_WAITING_SINCE, now, Long.class);
        if (waited > maxWaitMs) {
            throw new EnkashHeldBackException("The call waited " + waited + " ms for its turn (enkash.rate.max-wait-ms"
                    + (circuit.trouble() == null ? "" : "; " + circuit.trouble()) + "); it was not sent", null);
        }
        long circuitWait = circuit.waitMs();
        if (circuitWait > 0) {
            return circuitWait;
        }
        if (spacingMs == 0) {
            long paused = pausedForMs(now);
            return paused > 0 ? paused : go(exchange);
        }
        RateGate.Turn turn = gate.takeSlot(spacingMs);
        notePause(turn.pausedForMs(), now);
        if (turn.waitMs() == 0) {
            return go(exchange);
        }
        exchange.setProperty(CardExchange.CALL_SLOT, now + turn.waitMs());
        return turn.waitMs();
    }

    /**
     * EnKash answered 429 or 503 with Retry-After: every instance holds its calls for that long (capped at
     * enkash.retry.retry-after-cap-ms). This instance's redelivery waits as long by itself (RetryAfterDelay).
     */
    public void pause(Exchange exchange) {
        Duration pause = AnswerClassifier.retryAfter(exchange.getMessage().getHeader("Retry-After", String.class),
                clock, retryAfterCap);
        if (pause != null && !pause.isZero()) {
            long now = clock.millis();
            notePause(gate.pause(pause.toMillis()), now);
        }
    }

    /** How much longer the shared pause lasts, read from the database at most once per pause-check-ms. */
    long pausedForMs(long now) {
        long checked = pauseCheckedAt.get();
        // one call reads the database when the view is stale; the calls at the same moment use the view they have
        if (now - checked >= pauseCheckMs && pauseCheckedAt.compareAndSet(checked, now)) {
            notePause(gate.pausedForMs(), now);
        }
        return Math.max(0, pausedUntil - now);
    }

    private void notePause(long pausedForMs, long now) {
        pausedUntil = now + pausedForMs;
        pauseCheckedAt.set(now);
    }

    private static long go(Exchange exchange) {
        exchange.removeProperty(CardExchange.CALL_SLOT);
        exchange.removeProperty(CardExchange.CALL_WAITING_SINCE);
        return 0;
    }
}
