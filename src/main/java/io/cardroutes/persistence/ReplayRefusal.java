package io.cardroutes.persistence;

import io.cardroutes.pipeline.CardOutcome;

/**
 * Why a request is not sent again by a retry: its {@code status} as stored (null when no request has
 * this requestId), the {@code reason} in words, and its stored outcome (null when unknown).
 */
public record ReplayRefusal(String requestId, String status, String reason, CardOutcome stored) {

    /** True when no request with this requestId was recorded. */
    public boolean unknown() {
        return status == null;
    }

    /** What an operator reads: "requestId: not retried: reason". */
    @Override
    public String toString() {
        return requestId + ": not retried: " + reason;
    }
}
