package io.cardroutes.sandbox;

import java.util.Map;

/**
 * One Create call as the sandbox received it: request headers (lower-case names, repeated values
 * joined with ", "), the plain JSON body text (decrypted when encryption is on; the raw text when it
 * could not be decrypted), the HTTP status the sandbox answered, and when the call arrived.
 */
public record RecordedCall(Map<String, String> headers, String body, int status, java.time.Instant receivedAt) {

    public RecordedCall {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** The value of a header, by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
