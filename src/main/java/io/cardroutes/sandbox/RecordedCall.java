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

    /**
     * The most calls that arrived within any one second (a sliding window: the calls at or after one call's
     * arrival and less than a second after it), 0 for none.
     */
    public static int peakPerSecond(java.util.List<RecordedCall> calls) {
        java.util.List<java.time.Instant> at = calls.stream().map(RecordedCall::receivedAt).sorted().toList();
        int peak = 0;
        for (int first = 0, last = 0; first < at.size(); first++) {
            while (last < at.size() && at.get(last).isBefore(at.get(first).plusSeconds(1))) {
                last++;
            }
            peak = Math.max(peak, last - first);
        }
        return peak;
    }

    /** The value of a header, by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
