package io.cardroutes.enkash;

/** What EnKash's Create answer tells about the new card; never the full card number. */
public record CreatedCard(String enKashCardId, String maskedNumber, String cardStatus, String kycStatus) {
}
