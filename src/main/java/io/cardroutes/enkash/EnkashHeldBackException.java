package io.cardroutes.enkash;

import java.time.Duration;

/**
 * The call never left: the circuit breaker turned it away, or it waited longer than
 * {@code enkash.rate.max-wait-ms} for its turn. Retryable like a 503, and certainly nothing happened at
 * EnKash, so a Create held back can never have made a card.
 */
public class EnkashHeldBackException extends EnkashRetryableException {

    public EnkashHeldBackException(String message, Duration retryAfter) {
        super(message, 0, retryAfter);
    }

    /** For the route that throws it by name (throwException). */
    public EnkashHeldBackException(String message) {
        this(message, null);
    }
}
