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
    /** How many requests an accepted REST batch holds (its 202 answer says so). */
    public static final String BATCH_TOTAL = "cardBatchTotal";
    public static final String REQUEST_ID = "cardRequestId";
    public static final String REQUEST = "cardRequest";
    /** The canonical request as JSON text (validated, stored), written once by the normalizer. */
    public static final String REQUEST_JSON = "cardRequestJson";
    public static final String PAYLOAD = "cardPayload";
    public static final String OUTCOME = "cardOutcome";
    public static final String CLAIMED_AT = "cardClaimedAt";
    /** True while EnKash's card search must decide before anything is sent (an answer was lost). */
    public static final String VERIFY = "cardVerify";
    /** Set when the card was found through the search rather than in a Create answer. */
    public static final String RECONCILED = "cardReconciled";
    /** The enKashCardIds of several matching cards (NEEDS_REVIEW). */
    public static final String CANDIDATES = "cardCandidates";
    /** When the latest Create call failed with an unknown outcome (a search must start after it). */
    public static final String FAILED_AT = "cardFailedAt";
    /** Create calls sent for this request so far. */
    public static final String ATTEMPTS = "cardAttempts";
    /**
     * True from the moment a Create call leaves until its answer says EnKash did not act on it: while
     * true, a card may exist, so the request can end CREATED or NEEDS_REVIEW but never FAILED.
     */
    public static final String SEND_UNSETTLED = "cardSendUnsettled";
    /** When the request's current claim was taken, just before its first send: cards made earlier are not its own. */
    public static final String SENT_AFTER = "cardSentAfter";
    /** SHA-256 of the canonical request without its requestId: the same id with other content is a conflict. */
    public static final String REQUEST_HASH = "cardRequestHash";
    /** Fingerprint of the input file's bytes, for the default requestIds of its records. */
    public static final String SOURCE_DIGEST = "cardSourceDigest";
    /** Set on an input file's exchange when the bundle stopped before every request of it started: it waits for the next start. */
    public static final String FILE_UNFINISHED = "cardFileUnfinished";
    /** The name the results file of an input file is written under (never over another input's). */
    public static final String RESULTS_NAME = "cardResultsName";
    /** Which EnKash call the {@code enkash-call} route makes: {@code create} or {@code search} ({@code token} for the token call). */
    public static final String CALL_OPERATION = "cardCallOperation";
    /** The EnKash API path of that call, below enkash.base-url, set by its caller. */
    public static final String CALL_PATH = "cardCallPath";
    /** The full URL {@code enkash-call-send} posts that call (or the token call) to. */
    public static final String CALL_URL = "cardCallUrl";
    /** The call's plain JSON body, kept by {@code enkash-call} so a repeat after a 401 sends it again. */
    public static final String CALL_JSON = "cardCallJson";
    /** How long {@code enkash-call-attempt} waits before it asks EnkashLimits again for the call's turn (0: it goes). */
    public static final String CALL_WAIT_MS = "cardCallWaitMs";
    /** When the call began waiting for its turn (epoch ms), for enkash.rate.max-wait-ms. */
    public static final String CALL_WAITING_SINCE = "cardCallWaitingSince";
    /** When the shared rate slot the call holds is due (epoch ms on this instance's clock). */
    public static final String CALL_SLOT = "cardCallSlot";
    /** An EnKash call's answer class for its timer: 2xx, 4xx, 5xx, or none. */
    public static final String CALL_ANSWER = "cardCallAnswer";
    /** When the pipeline took the request (epoch ms): a file's records share their file's exchange clock. */
    public static final String STARTED_AT = "cardStartedAt";
    /** The outcome's status, for the outcome's counter tag and the REST answer (set by Outcomes.noted). */
    public static final String OUTCOME_STATUS = "cardOutcomeStatus";
    /** Whether the outcome is a replay of an earlier one (set by Outcomes.noted, for the REST answer). */
    public static final String OUTCOME_REPLAY = "cardOutcomeReplay";
    /** Whether the outcome's request is still being handled (set by Outcomes.noted, for the REST answer's 409). */
    public static final String OUTCOME_IN_FLIGHT = "cardOutcomeInFlight";
    /** Whether the outcome goes into the next alert mail: FAILED or NEEDS_REVIEW, not a replay. */
    public static final String OUTCOME_ALERT = "cardOutcomeAlert";
    /** Milliseconds from the pipeline taking the request to its outcome, for the outcome's log line. */
    public static final String OUTCOME_MS = "cardOutcomeMs";
    /** The earliest start a card search may have to settle this request's lost answer (older listings cannot). */
    public static final String SEARCH_NOT_BEFORE = "cardSearchNotBefore";
    /** Why a retry did not take the request (a {@code ReplayRefusal}); absent once the retry took it. */
    public static final String REPLAY_REFUSAL = "cardReplayRefusal";
    /** The row a retry read for its request (a {@code CardRequestEntity}, by the jpa component); null when none. */
    public static final String REPLAY_ROW = "cardReplayRow";
    /** A batch's row ({@code BatchEntity}) as the status call read it. */
    public static final String BATCH = "cardBatch";
    /** A batch's items counted by status (rows of {@code BatchItemEntity.counts}) as the status call read them. */
    public static final String BATCH_COUNTS = "cardBatchCounts";
    /** The page of a batch's items ({@code BatchItemEntity}s in input order) the status call read; none for limit 0. */
    public static final String BATCH_ITEMS = "cardBatchItems";
    /** A REST batch's optional notifyEmail: it also gets the batch's summary mail. */
    public static final String NOTIFY_EMAIL = "cardNotifyEmail";
    /**
     * The input layout of the record (io.cardroutes.mapping.InputLayout): its format, CSV delimiter and
     * the mapping that turns it into EnKash fields; none for requests already in EnKash's field names.
     */
    public static final String LAYOUT = "cardLayout";
    /** List of field problems (one string each, e.g. "$.email: does not match ...") when validation rejected a request. */
    public static final String PROBLEMS = "cardProblems";
    /** The exception that ended a request in the pipeline, if one did, as a channel that asked for its outcome sees it. */
    public static final String FAILURE = "cardFailure";

    private CardExchange() {
    }
}
