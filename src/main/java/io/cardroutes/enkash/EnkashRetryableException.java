package io.cardroutes.enkash;

import java.time.Duration;
import java.util.Optional;

/** EnKash did not take the request (5xx, 429, gateway trouble): the redelivery policy may send it again. */
public class EnkashRetryableException extends EnkashException {

    private final Duration retryAfter;

    public EnkashRetryableException(String message, int httpStatus, Duration retryAfter) {
        super(message, httpStatus);
        this.retryAfter = retryAfter;
    }

    /** For routes that throw it by name (throwException): no status, no Retry-After. */
    public EnkashRetryableException(String message) {
        this(message, 0, null);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
