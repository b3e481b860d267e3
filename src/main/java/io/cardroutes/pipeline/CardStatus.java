package io.cardroutes.pipeline;

import java.util.Set;

/** Where a card request stands. */
public enum CardStatus {
    /** Claimed by this bundle; the Create call is being made (committed before every send). */
    SENDING,
    /** A Create call's answer was lost: EnKash's card search decides whether the card exists. */
    VERIFYING,
    /** EnKash created the card. */
    CREATED,
    /** Invalid, or refused by EnKash: sending it again as it is cannot succeed. */
    REJECTED,
    /** Gave up after retries, or the credentials were rejected. */
    FAILED,
    /** Several existing cards match the request: a person decides; never sent again automatically. */
    NEEDS_REVIEW;

    /** Statuses that block a second send of the same requestId. */
    public static final Set<String> BLOCKING = Set.of(SENDING.name(), VERIFYING.name(), CREATED.name(),
            NEEDS_REVIEW.name());
    /** Statuses a request is left in only while some process works on it (or a crash interrupted it). */
    public static final Set<String> IN_FLIGHT = Set.of(SENDING.name(), VERIFYING.name());
}
