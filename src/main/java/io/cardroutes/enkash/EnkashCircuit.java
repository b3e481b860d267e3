package io.cardroutes.enkash;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;

/**
 * The circuit breaker in front of EnKash (the {@code circuitBreaker} step of routes/enkash-call.camel.yaml
 * uses {@link #breaker()}). Only EnKash failing counts against it: no answer at all (an IOException) and the
 * answers 429 and 5xx; a refusal (4xx) or an error envelope is EnKash working. While it is open, calls wait
 * for their turn ({@link #waitMs}) rather than fail and use up their redeliveries; half open, only as many
 * calls go as the breaker lets try. Its state is the gauge {@code cardroutes_enkash_circuit_state} (0 closed,
 * 1 open, 2 half open) and the health check {@code enkash-circuit}.
 */
public final class EnkashCircuit {

    /** How often a call held back while the circuit is half open looks again. */
    static final long HALF_OPEN_POLL_MS = 100;

    private final CircuitBreaker breaker;
    private final Clock clock;
    private final Duration openFor;
    private final int halfOpenCalls;
    private final AtomicInteger halfOpenLetThrough = new AtomicInteger();
    private volatile Instant openedAt = Instant.EPOCH;

    public record Settings(boolean enabled, float failureRatePercent, int windowSeconds, int minimumCalls,
            Duration openFor, int halfOpenCalls) {
    }

    public EnkashCircuit(Settings settings, Clock clock, MeterRegistry meters) {
        this.clock = clock;
        this.openFor = settings.openFor();
        this.halfOpenCalls = settings.halfOpenCalls();
        this.breaker = CircuitBreaker.of("enkash", CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRatePercent())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSize(settings.windowSeconds())
                // switched off (enkash.circuit.enabled=false): the failure rate is never computed, so it never opens
                .minimumNumberOfCalls(settings.enabled() ? settings.minimumCalls() : Integer.MAX_VALUE)
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                // a trial let through that never reaches the breaker must not hold the circuit half open for good
                .maxWaitDurationInHalfOpenState(settings.openFor())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(EnkashCircuit::countsAsFailure)
                .recordResult(result -> result instanceof Exchange exchange && enkashFailing(exchange))
                .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            State to = event.getStateTransition().getToState();
            if (to == State.OPEN) {
                openedAt = clock.instant();
            } else if (to == State.HALF_OPEN) {
                halfOpenLetThrough.set(0);
            }
        });
        Gauge.builder("cardroutes.enkash.circuit.state", breaker, b -> stateNumber(b.getState()))
                .description("The circuit breaker in front of EnKash: 0 closed, 1 open (calls wait), 2 half open")
                .register(meters);
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /**
     * How long a call waits before it may go (0: now). Open: until the breaker half opens. Half open: the
     * first calls go as the breaker's trials, the others look again shortly. A call that goes while the
     * circuit half opens is counted here, so the breaker does not have to turn it away.
     */
    long waitMs() {
        State state = breaker.getState();
        if (state == State.OPEN) {
            long left = Duration.between(clock.instant(), openedAt.plus(openFor)).toMillis();
            return Math.max(HALF_OPEN_POLL_MS, left);
        }
        if (state == State.HALF_OPEN) {
            return halfOpenLetThrough.getAndIncrement() < halfOpenCalls ? 0 : HALF_OPEN_POLL_MS;
        }
        return 0;
    }

    /** For the health check: null while closed, otherwise what is going on. */
    public String trouble() {
        return switch (breaker.getState()) {
            case CLOSED -> null;
            case OPEN -> "EnKash is failing (" + Math.round(breaker.getMetrics().getFailureRate())
                    + "% of the recent calls): the circuit is open since " + openedAt
                    + " and calls wait for it to half open";
            case HALF_OPEN -> "the circuit is half open: a few calls try whether EnKash is back, the others wait";
            default -> "the circuit breaker is " + breaker.getState();
        };
    }

    /** An answer that says EnKash is failing or overloaded, not that it refused the call. */
    static boolean enkashFailing(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return status != null && (status == 429 || status >= 500);
    }

    /** No answer came (connection refused or reset, timeout): somewhere in the causes is an IOException. */
    static boolean countsAsFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static int stateNumber(State state) {
        return switch (state) {
            case CLOSED -> 0;
            case OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }
}
