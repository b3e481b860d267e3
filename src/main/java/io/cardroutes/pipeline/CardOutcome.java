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
}
