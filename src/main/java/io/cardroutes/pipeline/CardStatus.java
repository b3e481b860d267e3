package io.cardroutes.pipeline;

import java.util.Set;

/** Where a card request stands. */
public enum CardStatus {
    /** Claimed by this bundle; the Create call is being made. */
    SENDING,
    /** EnKash created the card. */
    CREATED,
    /** Invalid, or refused by EnKash: sending it again as it is cannot succeed. */
    REJECTED,
    /** Gave up after retries, or the credentials were rejected. */
    FAILED;

    /** Statuses that block a second send of the same requestId. */
    public static final Set<String> BLOCKING = Set.of(SENDING.name(), CREATED.name());
}
