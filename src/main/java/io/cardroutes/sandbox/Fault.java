package io.cardroutes.sandbox;

import java.util.Objects;

/**
 * A deterministic misbehaviour the sandbox applies to one Create call. Faults are queued with
 * {@link EnkashSandbox#enqueue(Fault...)} and consumed in order, one per Create call that passes the
 * request checks (bearer token, partnerId, content type, encryption, body validation).
 */
public final class Fault {

    /** What the sandbox does with the call. */
    public enum Kind {
        /** Answer an HTTP status with an EnKash error body; the card is not created. */
        STATUS,
        /** HTTP 200 with response_code 1; the card is not created. */
        BUSINESS_REFUSAL,
        /** The card is created, then an error status is answered. */
        ANSWER_LOST,
        /** The card is created, then the (successful) answer is delayed. */
        STALL,
        /** The answer is delayed, the card is not created and 504 is answered. */
        STALL_BEFORE_CREATE,
        /** Token endpoint only: HTTP 200 whose JSON has no access_token; no token is issued. */
        TOKEN_WITHOUT_ACCESS_TOKEN,
        /** Token endpoint only: HTTP 200 whose body is not JSON (a proxy's page); no token is issued. */
        TOKEN_NOT_JSON
    }

    private final Kind kind;
    private final int httpStatus;
    private final int retryAfterSeconds;
    private final String message;
    private final long millis;

    private Fault(Kind kind, int httpStatus, int retryAfterSeconds, String message, long millis) {
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.retryAfterSeconds = retryAfterSeconds;
        this.message = message;
        this.millis = millis;
    }

    /** Answer this HTTP status with an EnKash error body; the card is NOT created. */
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

    /** HTTP 200 {"response_code":1,"response_message":message,"payload":message}; no card. */
    public static Fault businessRefusal(String message) {
        return new Fault(Kind.BUSINESS_REFUSAL, 200, -1, Objects.requireNonNull(message, "message"), 0);
    }

    /** The card IS created, then this status (e.g. 504, 502, 500) is answered with an error body. */
    public static Fault answerLost(int httpStatus) {
        return new Fault(Kind.ANSWER_LOST, checkStatus(httpStatus), -1, null, 0);
    }

    /** The card IS created, then the answer is delayed by millis (longer than the client's read timeout). */
    public static Fault stall(long millis) {
        return new Fault(Kind.STALL, 200, -1, null, checkMillis(millis));
    }

    /** Waits millis, then does NOT create the card (the client has given up) and answers 504. */
    public static Fault stallBeforeCreate(long millis) {
        return new Fault(Kind.STALL_BEFORE_CREATE, 504, -1, null, checkMillis(millis));
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

    /** The refusal message of a business refusal, otherwise null. */
    public String message() {
        return message;
    }

    /** The delay of a stall, otherwise 0. */
    public long millis() {
        return millis;
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
            case ANSWER_LOST -> "Fault.answerLost(" + httpStatus + ")";
            case STALL -> "Fault.stall(" + millis + ")";
            case STALL_BEFORE_CREATE -> "Fault.stallBeforeCreate(" + millis + ")";
            case TOKEN_WITHOUT_ACCESS_TOKEN -> "Fault.tokenWithoutAccessToken()";
            case TOKEN_NOT_JSON -> "Fault.tokenNotJson()";
        };
    }
}
