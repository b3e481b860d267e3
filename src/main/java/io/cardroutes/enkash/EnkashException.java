package io.cardroutes.enkash;

/** Base of the failures the EnKash client reports; messages never carry secrets or request bodies. */
public class EnkashException extends RuntimeException {

    private final int httpStatus;

    public EnkashException(String message, int httpStatus) {
        super(message);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status EnKash answered, or 0 when there was no answer. */
    public int httpStatus() {
        return httpStatus;
    }
}
