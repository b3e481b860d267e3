package io.cardroutes.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An answer the sandbox sends, and the bodies EnKash answers with. {@code asIs} bodies are already as
 * they go on the wire (never wrapped in the encryption envelope).
 */
record Answer(int status, String body, Map<String, String> headers, boolean asIs) {

    static final ObjectMapper JSON = new ObjectMapper();

    Answer(int status, String body) {
        this(status, body, Map.of(), false);
    }

    Answer(int status, String body, Map<String, String> headers) {
        this(status, body, headers, false);
    }

    static Answer sentAsIs(int status, String body) {
        return new Answer(status, body, Map.of(), true);
    }

    Answer withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new Answer(status, body, all, asIs);
    }

    /** This status with EnKash's error body naming it, and Retry-After when {@code retryAfterSeconds} >= 0. */
    static Answer status(int status, int retryAfterSeconds) {
        Answer answer = new Answer(status, errorBody(reason(status)));
        return retryAfterSeconds >= 0 ? answer.withHeader("Retry-After", Integer.toString(retryAfterSeconds)) : answer;
    }

    /** {"code":0,"message":"Success","payload":card}: a created card. */
    static Answer success(ObjectNode card) {
        ObjectNode body = JSON.createObjectNode();
        body.put("code", 0);
        body.put("message", "Success");
        body.set("payload", card);
        return new Answer(200, body.toString());
    }

    /** A 200 that refuses the request for a business reason (the message is also the payload). */
    static Answer businessRefusal(String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("response_code", 1);
        body.put("response_message", message);
        body.put("payload", message);
        return new Answer(200, body.toString());
    }

    /** EnKash's error body: {"response_code":1,"response_message":message,"payload":null}. */
    static String errorBody(String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("response_code", 1);
        body.put("response_message", message);
        body.putNull("payload");
        return body.toString();
    }

    /** The OAuth server's error body. */
    static String oauthError(String error, String description) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", error);
        body.put("error_description", description);
        return body.toString();
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP " + status;
        };
    }
}
