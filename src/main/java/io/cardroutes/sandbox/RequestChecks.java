package io.cardroutes.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import io.cardroutes.enkash.PayloadCipher;

/**
 * The checks Create and search calls pass first, in the order EnKash's gateway and application make
 * them: bearer token, {@code partnerId} header, content type, encryption envelope, a JSON object body.
 * Also the configured latency both add to their answers.
 */
final class RequestChecks {

    /** Either the parsed body or the answer to give; {@code plainText} is the body as decrypted (or as sent). */
    record Checked(ObjectNode body, String plainText, Answer refusal) {
    }

    private final SandboxSettings settings;
    private final SandboxLogins logins;
    private final PayloadCipher cipher;

    /** @param cipher opens request envelopes; null when encryption is off */
    RequestChecks(SandboxSettings settings, SandboxLogins logins, PayloadCipher cipher) {
        this.settings = settings;
        this.logins = logins;
        this.cipher = cipher;
    }

    /** While true, every Create and search is answered 503 before anything else (EnKash is down). */
    volatile boolean unavailable;

    Checked check(HttpExchange exchange, String rawText) {
        if (unavailable) {
            return new Checked(null, rawText, Answer.status(503, -1));
        }
        var headers = exchange.getRequestHeaders();
        Answer refusal = logins.checkBearer(headers.getFirst("Authorization"));
        if (refusal != null) {
            return new Checked(null, rawText, refusal);
        }
        if (!settings.partnerId().equals(headers.getFirst("partnerId"))) {
            return new Checked(null, rawText, new Answer(400, Answer.errorBody("Invalid partnerId")));
        }
        String contentType = headers.getFirst("Content-Type");
        if (contentType == null || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return new Checked(null, rawText,
                    new Answer(415, Answer.errorBody("Content-Type must be application/json")));
        }
        JsonNode parsed = parse(rawText);
        String plain = rawText;
        if (cipher != null) {
            if (parsed == null || !parsed.isObject() || parsed.size() != 1
                    || !parsed.path(PayloadCipher.ENVELOPE_FIELD).isTextual()) {
                return new Checked(null, rawText, new Answer(400, Answer.errorBody("Payload must be encrypted")));
            }
            try {
                plain = cipher.decrypt(parsed.get(PayloadCipher.ENVELOPE_FIELD).asText());
            } catch (IllegalStateException wrongKey) {
                return new Checked(null, rawText,
                        new Answer(400, Answer.errorBody("Payload could not be decrypted")));
            }
            parsed = parse(plain);
        }
        if (parsed == null || !parsed.isObject()) {
            return new Checked(null, plain, new Answer(400, Answer.errorBody("Malformed JSON request")));
        }
        return new Checked((ObjectNode) parsed, plain, null);
    }

    void sleepLatency() throws InterruptedException {
        if (settings.latencyMs() > 0) {
            Thread.sleep(settings.latencyMs());
        }
    }

    /** "companyId is required" and/or "cardAccountId is required" (a new, modifiable list; empty when both are given). */
    static List<String> missingAccount(ObjectNode body) {
        List<String> problems = new ArrayList<>();
        if (blank(body.get("companyId"))) {
            problems.add("companyId is required");
        }
        if (blank(body.get("cardAccountId"))) {
            problems.add("cardAccountId is required");
        }
        return problems;
    }

    /** True when the field is missing, null, an object or array, or blank text. */
    private static boolean blank(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() || node.asText().isBlank();
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Answer.JSON.readTree(text);
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }
}
