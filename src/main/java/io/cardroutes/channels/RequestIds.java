package io.cardroutes.channels;

import java.util.LinkedHashMap;
import java.util.Map;

import io.cardroutes.pipeline.InvalidRequestException;
import io.cardroutes.pipeline.RequestNormalizer;

/**
 * The requestId rule both channels share: the caller's id when it gave one, else one the channel
 * derives, always written into the request before the pipeline sees it (the pipeline's own fallback,
 * source and record number, is meant for files and would collide between messages and calls).
 */
final class RequestIds {

    /** The request_id column's width. */
    static final int MAX_LENGTH = 200;

    private RequestIds() {
    }

    /** A caller-supplied id as text, or null when it is absent or blank. */
    static String given(Object value) {
        if (value == null) {
            return null;
        }
        String text = String.valueOf(value);
        if (text.chars().anyMatch(Character::isISOControl)) {
            return text; // as given: trimming would hide some, and the pipeline refuses them all
        }
        text = text.trim();
        return text.isEmpty() ? null : text;
    }

    /** The request's own requestId, or {@code fallback}. */
    static String ofBody(Map<?, ?> request, String fallback) {
        String own = given(request.get(RequestNormalizer.REQUEST_ID));
        return own != null ? own : fallback;
    }

    /** A copy of the request carrying {@code requestId}. */
    static Map<String, Object> with(Map<?, ?> request, String requestId) {
        if (requestId == null || requestId.isEmpty()) {
            throw new InvalidRequestException("a request needs a requestId");
        }
        if (requestId.length() > MAX_LENGTH) {
            throw new InvalidRequestException("requestId is longer than " + MAX_LENGTH + " characters");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        request.forEach((k, v) -> copy.put(String.valueOf(k), v));
        copy.put(RequestNormalizer.REQUEST_ID, requestId);
        return copy;
    }
}
