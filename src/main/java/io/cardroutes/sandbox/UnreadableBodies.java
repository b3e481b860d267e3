package io.cardroutes.sandbox;

import io.cardroutes.enkash.PayloadCipher;

/**
 * Answer bodies a client cannot read although EnKash did the work: an envelope sealed with a key that
 * is not the partner's (or, without encryption, a page that is not JSON), and an answer a proxy cut
 * short. Each is returned exactly as it goes on the wire.
 */
final class UnreadableBodies {

    /** What a CDN or proxy may hand back in place of the JSON answer. */
    static final String NOT_JSON = "<html><head><title>Request processed</title></head>"
            + "<body>Your request has been processed.</body></html>";

    private final PayloadCipher partnerCipher;
    private final PayloadCipher otherCipher;

    /** @param partnerSecretKey the encryption secret key, or null when encryption is off */
    UnreadableBodies(String partnerSecretKey) {
        this.partnerCipher = partnerSecretKey == null ? null : new PayloadCipher(partnerSecretKey);
        // as if EnKash had rotated its key: a well-formed envelope that the partner key does not open
        this.otherCipher = partnerSecretKey == null ? null : new PayloadCipher(partnerSecretKey + "#rotated");
    }

    /** The answer sealed with another key, or a non-JSON page when encryption is off. */
    String unreadable(String json) {
        return otherCipher == null ? NOT_JSON : otherCipher.wrap(json);
    }

    /** The first half of the answer as it would be sent (with encryption on: of the envelope text). */
    String truncated(String json) {
        String whole = partnerCipher == null ? json : partnerCipher.wrap(json);
        return whole.substring(0, Math.max(1, whole.length() / 2));
    }
}
