package io.cardroutes.persistence;

/**
 * This process no longer holds the request (its lease ran out while the database could not be
 * reached, and another instance adopted it): it must neither send it nor record an outcome for it.
 */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(String requestId) {
        super("request " + requestId + " is no longer held by this instance; the instance that adopted it settles it");
    }
}
