package io.cardroutes.pipeline;

/**
 * Exchange property names the routes share. Request state lives in properties, never in headers,
 * so nothing of it leaks into the HTTP call to EnKash.
 */
public final class CardExchange {

    public static final String CHANNEL = "cardChannel";
    public static final String SOURCE = "cardSource";
    public static final String BATCH_ID = "cardBatchId";
    public static final String SEQ = "cardSeq";
    public static final String REQUEST_ID = "cardRequestId";
    public static final String REQUEST = "cardRequest";
    public static final String PAYLOAD = "cardPayload";
    public static final String OUTCOME = "cardOutcome";
    public static final String CLAIMED_AT = "cardClaimedAt";
    /** Create calls sent for this request so far. */
    public static final String ATTEMPTS = "cardAttempts";
    /** List of field problems (one string each, e.g. "$.email: does not match ...") when validation rejected a request. */
    public static final String PROBLEMS = "cardProblems";

    private CardExchange() {
    }
}
