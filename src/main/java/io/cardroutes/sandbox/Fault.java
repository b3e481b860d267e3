package io.cardroutes.sandbox;

import java.util.List;
import java.util.Objects;

/**
 * A deterministic misbehaviour the sandbox applies to one Create or search call.
 *
 * <p>Create faults are queued with {@link EnkashSandbox#enqueue(Fault...)} and consumed in order, one per
 * Create call that passes the request checks (bearer token, partnerId, content type, encryption, body
 * validation). Search faults are queued with {@link EnkashSandbox#enqueueSearch(Fault...)} and consumed
 * the same way by search calls. Each {@link Kind} says which of the two queues it belongs to; a fault
 * put on the wrong queue is refused. {@link #parse(String)} and {@link #parseSearch(String)} read the
 * lists the {@code enkash.sandbox.create-faults} / {@code search-faults} properties hold.
 *
 * <p>Over ~250 lines on purpose: one kind and one documented factory per fault, read side by side; the
 * list parsing is already in {@link FaultList}, and a split would put a fault's meaning in two files.
 */
public final class Fault {

    /** What the sandbox does with the call, and whether the call is a Create, a search or either. */
    public enum Kind {
        /** Answer an HTTP status with an EnKash error body (a 5xx "before creating"); no card is created. */
        STATUS(true, true),
        /** HTTP 200 with response_code 1 and the message as payload; the card is not created. */
        BUSINESS_REFUSAL(true, false),
        /** HTTP 200 with the error envelope (response_code 1, payload null): the call did not do its job. */
        ERROR_ENVELOPE(true, true),
        /** The card is created, then an error status is answered. */
        ANSWER_LOST(true, false),
        /** The card is created, then the (successful) answer is delayed. */
        STALL(true, false),
        /** The answer is delayed, the card is not created and 504 is answered. */
        STALL_BEFORE_CREATE(true, false),
        /** EnKash is slow: the card is created only after the delay, then the success answer is sent. */
        SLOW_CREATE(true, false),
        /** HTTP 200 whose body cannot be read (a Create has created the card). */
        UNREADABLE_ANSWER(true, true),
        /** HTTP 200 whose body is the answer cut off part way (a Create has created the card). */
        TRUNCATED_ANSWER(true, true),
        /** The card is created, then HTTP 200 with the success answer lacking enKashCardId. */
        SUCCESS_WITHOUT_CARD_ID(true, false),
        /** The list answer names fewer cards than its recordsCount. */
        PARTIAL_LISTING(false, true),
        /** Token endpoint only: HTTP 200 whose JSON has no access_token; no token is issued. */
        TOKEN_WITHOUT_ACCESS_TOKEN(false, false),
        /** Token endpoint only: HTTP 200 whose body is not JSON (a proxy's page); no token is issued. */
        TOKEN_NOT_JSON(false, false);

        private final boolean create;
        private final boolean search;

        Kind(boolean create, boolean search) {
            this.create = create;
            this.search = search;
        }

        public boolean appliesToCreate() {
            return create;
        }

        public boolean appliesToSearch() {
            return search;
        }
    }

    private final Kind kind;
    private final int httpStatus;
    private final int retryAfterSeconds;
    private final String message;
    private final long millis;
    private final int listed;

    private Fault(Kind kind, int httpStatus, int retryAfterSeconds, String message, long millis) {
        this(kind, httpStatus, retryAfterSeconds, message, millis, -1);
    }

    private Fault(Kind kind, int httpStatus, int retryAfterSeconds, String message, long millis, int listed) {
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.retryAfterSeconds = retryAfterSeconds;
        this.message = message;
        this.millis = millis;
        this.listed = listed;
    }

    /**
     * Answer this HTTP status with an EnKash error body. On Create it happens before creating: a 500
     * from this fault means NO card (use {@link #answerLost(int)} for a 5xx after the card exists).
     */
    public static Fault status(int httpStatus) {
        return new Fault(Kind.STATUS, checkStatus(httpStatus), -1, null, 0);
    }

    /** Answer this HTTP status with an error body and a Retry-After header (429, 503); no card. */
    public static Fault status(int httpStatus, int retryAfterSeconds) {
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 0");
        }
        return new Fault(Kind.STATUS, checkStatus(httpStatus), retryAfterSeconds, null, 0);
    }

    /** HTTP 200 {"response_code":1,"response_message":message,"payload":message}; no card. Create only. */
    public static Fault businessRefusal(String message) {
        return new Fault(Kind.BUSINESS_REFUSAL, 200, -1, Objects.requireNonNull(message, "message"), 0);
    }

    /**
     * HTTP 200 {"response_code":1,"response_message":message,"payload":null}: on Create no card is made;
     * on search it means "don't know", not "no card".
     */
    public static Fault errorEnvelope(String message) {
        return new Fault(Kind.ERROR_ENVELOPE, 200, -1, Objects.requireNonNull(message, "message"), 0);
    }

    /** The card IS created, then this status (e.g. 504, 502, 500) is answered with an error body. Create only. */
    public static Fault answerLost(int httpStatus) {
        return new Fault(Kind.ANSWER_LOST, checkStatus(httpStatus), -1, null, 0);
    }

    /** The card IS created, then the answer is delayed by millis (longer than the client's read timeout). */
    public static Fault stall(long millis) {
        return new Fault(Kind.STALL, 200, -1, null, checkMillis(millis));
    }

    /** Waits millis, then does NOT create the card (the client has given up) and answers 504. Create only. */
    public static Fault stallBeforeCreate(long millis) {
        return new Fault(Kind.STALL_BEFORE_CREATE, 504, -1, null, checkMillis(millis));
    }

    /**
     * Creates the card only after millis (EnKash still working when a client's read timeout fires), then
     * answers success: a search made before then finds nothing, one made after finds the card.
     */
    public static Fault slowCreate(long millis) {
        return new Fault(Kind.SLOW_CREATE, 200, -1, null, checkMillis(millis));
    }

    /**
     * HTTP 200 with a body that cannot be read: with encryption on, a {"request":"..."} envelope
     * encrypted with another key than the partner's; with encryption off, a body that is not JSON.
     * On Create the card IS created first.
     */
    public static Fault unreadableAnswer() {
        return new Fault(Kind.UNREADABLE_ANSWER, 200, -1, null, 0);
    }

    /**
     * HTTP 200 whose body is the answer (with encryption on: the envelope text) cut off half way, sent
     * as the whole body with a matching Content-Length. On Create the card IS created first.
     */
    public static Fault truncatedAnswer() {
        return new Fault(Kind.TRUNCATED_ANSWER, 200, -1, null, 0);
    }

    /** The card IS created, then HTTP 200 {"code":0,"message":"Success","payload":{card without enKashCardId}}. */
    public static Fault successWithoutCardId() {
        return new Fault(Kind.SUCCESS_WITHOUT_CARD_ID, 200, -1, null, 0);
    }

    /**
     * The list answer keeps recordsCount at the number of matching cards but lists only the first
     * {@code listed} of them. Search only; a search by enKashCardId answers in full.
     */
    public static Fault partialListing(int listed) {
        if (listed < 0) {
            throw new IllegalArgumentException("listed must be >= 0");
        }
        return new Fault(Kind.PARTIAL_LISTING, 200, -1, null, 0, listed);
    }

    /**
     * Create faults from a comma-separated list such as {@code answer-lost:504, unreadable, truncated,
     * no-card-id, status:500, status:503:2, stall:3000, stall-before-create:3000,
     * refusal:Insufficient balance, error-envelope:Try later}. Blank text gives no faults.
     *
     * @throws IllegalArgumentException naming the first entry that is not a Create fault
     */
    public static List<Fault> parse(String list) {
        return FaultList.parse(list, false);
    }

    /**
     * Search faults from a comma-separated list such as {@code error-envelope, partial:1, status:503,
     * status:503:2, unreadable, truncated}. Blank text gives no faults.
     *
     * @throws IllegalArgumentException naming the first entry that is not a search fault
     */
    public static List<Fault> parseSearch(String list) {
        return FaultList.parse(list, true);
    }

    /** For {@link EnkashSandbox#enqueueToken}: HTTP 200 without access_token; the login fails. */
    public static Fault tokenWithoutAccessToken() {
        return new Fault(Kind.TOKEN_WITHOUT_ACCESS_TOKEN, 200, -1, null, 0);
    }

    /** For {@link EnkashSandbox#enqueueToken}: HTTP 200 whose body is not JSON; the login fails. */
    public static Fault tokenNotJson() {
        return new Fault(Kind.TOKEN_NOT_JSON, 200, -1, null, 0);
    }

    public Kind kind() {
        return kind;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Seconds for the Retry-After header, or -1 when none is sent. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The message of a business refusal or error envelope, otherwise null. */
    public String message() {
        return message;
    }

    /** The delay of a stall, otherwise 0. */
    public long millis() {
        return millis;
    }

    /** How many cards a partial listing lists, otherwise -1. */
    public int listed() {
        return listed;
    }

    private static int checkStatus(int httpStatus) {
        if (httpStatus < 100 || httpStatus > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + httpStatus);
        }
        return httpStatus;
    }

    private static long checkMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("millis must be >= 0");
        }
        return millis;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case STATUS -> "Fault.status(" + httpStatus + (retryAfterSeconds >= 0 ? ", " + retryAfterSeconds : "") + ")";
            case BUSINESS_REFUSAL -> "Fault.businessRefusal(" + message + ")";
            case ERROR_ENVELOPE -> "Fault.errorEnvelope(" + message + ")";
            case ANSWER_LOST -> "Fault.answerLost(" + httpStatus + ")";
            case STALL -> "Fault.stall(" + millis + ")";
            case STALL_BEFORE_CREATE -> "Fault.stallBeforeCreate(" + millis + ")";
            case SLOW_CREATE -> "Fault.slowCreate(" + millis + ")";
            case UNREADABLE_ANSWER -> "Fault.unreadableAnswer()";
            case TRUNCATED_ANSWER -> "Fault.truncatedAnswer()";
            case SUCCESS_WITHOUT_CARD_ID -> "Fault.successWithoutCardId()";
            case PARTIAL_LISTING -> "Fault.partialListing(" + listed + ")";
            case TOKEN_WITHOUT_ACCESS_TOKEN -> "Fault.tokenWithoutAccessToken()";
            case TOKEN_NOT_JSON -> "Fault.tokenNotJson()";
        };
    }
}
