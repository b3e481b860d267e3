package io.cardroutes.pipeline;

/**
 * A requestId (or Idempotency-Key) that names a request already recorded with other content: the
 * same id for a different request is the caller's mistake, never a replay (the second person would
 * be told of the first one's card) and never a new card under the old id.
 */
public class RequestIdConflictException extends InvalidRequestException {

    private final String requestId;

    public RequestIdConflictException(String requestId) {
        super("requestId " + requestId + " was already used for a different request; give this request an id of its own");
        this.requestId = requestId;
    }

    public String requestId() {
        return requestId;
    }
}
