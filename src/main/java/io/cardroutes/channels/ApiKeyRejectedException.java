package io.cardroutes.channels;

/** A REST call without a valid X-API-Key: answered 401 before anything else happens. */
public class ApiKeyRejectedException extends RuntimeException {

    public ApiKeyRejectedException(String message) {
        super(message);
    }
}
