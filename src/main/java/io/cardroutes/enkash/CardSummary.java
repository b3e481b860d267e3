package io.cardroutes.enkash;

/** The few fields (and when EnKash says it made the card, as it wrote it, if it did) of a card in EnKash's search answer that reconciliation compares; nothing else is kept. */
public record CardSummary(String enKashCardId, String maskedNumber, String cardStatus, String kycStatus,
        String mobile, String email, String firstName, String lastName, String userId, String createdDate) {

    @Override
    public String toString() {
        return "CardSummary[" + enKashCardId + "]"; // no personal data in logs
    }
}
