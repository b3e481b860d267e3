package io.cardroutes.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What happened to one card request: the shape results files, replies and the database share.
 * {@code reconciled}: EnKash's answer was lost and the card was found through its card search.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CardOutcome(
        String requestId,
        String status,
        String enKashCardId,
        String maskedNumber,
        String cardStatus,
        String kycStatus,
        String error,
        int attempts,
        boolean replay,
        boolean reconciled) {

    /** True while some process still works on the request: its status is one of {@link CardStatus#IN_FLIGHT}. */
    public boolean inFlight() {
        return CardStatus.IN_FLIGHT.contains(status);
    }

    /**
     * What the outcome log line shows: status, card or error, attempts, replay. The error may quote
     * EnKash's answer: mobiles and e-mail addresses in it are masked ({@link LogMask}).
     */
    @Override
    public String toString() {
        return status + (enKashCardId == null ? "" : " card=" + enKashCardId)
                + (error == null ? "" : " error=\"" + LogMask.mask(error) + "\"") + " attempts=" + attempts
                + " replay=" + replay + (reconciled ? " reconciled" : "");
    }
}
