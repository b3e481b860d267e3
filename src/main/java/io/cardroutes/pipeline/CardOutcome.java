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

    /**
     * What the outcome log line shows: status, card, attempts, replay. Never the error text (it may
     * quote EnKash's answer) nor anything of the person.
     */
    @Override
    public String toString() {
        return status + (enKashCardId == null ? "" : " card=" + enKashCardId) + " attempts=" + attempts
                + " replay=" + replay + (reconciled ? " reconciled" : "");
    }
}
