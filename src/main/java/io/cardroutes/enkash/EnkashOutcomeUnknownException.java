package io.cardroutes.enkash;

/**
 * The Create call may or may not have taken effect (HTTP 500/502/504, an unreadable answer): EnKash
 * may have created the card. Such a request is never sent again before EnKash's card search says
 * it has no such card.
 */
public class EnkashOutcomeUnknownException extends EnkashException {

    public EnkashOutcomeUnknownException(String message, int httpStatus) {
        super(message, httpStatus);
    }
}
