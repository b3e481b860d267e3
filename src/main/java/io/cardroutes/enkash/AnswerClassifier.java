package io.cardroutes.enkash;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.pipeline.CardExchange;
import org.apache.camel.Exchange;

/**
 * Reads EnKash's answer to a Create call and decides what it means. EnKash answers with two
 * envelopes ({code,message,payload} and {response_code,response_message,payload}) and can refuse
 * with HTTP 200, so the body decides, not only the status.
 */
public class AnswerClassifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EnkashCodec codec;
    private final Clock clock;
    private final Duration retryAfterCap;

    public AnswerClassifier(EnkashCodec codec, Clock clock, Duration retryAfterCap) {
        this.codec = codec;
        this.clock = clock;
        this.retryAfterCap = retryAfterCap;
    }

    /**
     * Returns the created card, or throws the exception that tells the error handling what to do.
     * The status is read first and the body decoded after: an answer that cannot be decrypted or
     * parsed never becomes a failure of its own, it is whatever its status says it may be.
     */
    public CreatedCard classify(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        JsonNode node = read(exchange.getMessage().getBody(String.class));
        boolean envelope = node != null && node.isObject();

        if (status == 500 || status == 502 || status == 504 || (status >= 500 && !envelope)) {
            throw new EnkashOutcomeUnknownException("EnKash answered HTTP " + status + describe(node)
                    + (envelope ? "" : " with a body that is not an EnKash answer") + "; the card may exist", status);
        }
        if (status == 429 || status >= 500) {
            Duration retryAfter = retryAfter(exchange.getMessage().getHeader("Retry-After", String.class), clock,
                    retryAfterCap);
            throw notProcessed(exchange, new EnkashRetryableException("EnKash answered HTTP " + status
                    + describe(node), status, retryAfter));
        }
        if (status == 401) {
            throw notProcessed(exchange, new EnkashAnswerException(
                    "EnKash refused a freshly issued access token (HTTP 401)", status));
        }
        if (status < 200 || status >= 300) {
            throw notProcessed(exchange, new EnkashRefusedException("EnKash refused the request: HTTP " + status
                    + describe(node), status));
        }
        if (!envelope) {
            throw new EnkashOutcomeUnknownException("EnKash answered HTTP " + status
                    + " with a body that cannot be read; the card may exist", status);
        }
        JsonNode code = node.has("code") ? node.get("code") : node.get("response_code");
        if (code == null || !code.canConvertToInt()) {
            throw new EnkashOutcomeUnknownException("EnKash answered HTTP " + status
                    + " without a result code; the card may exist", status);
        }
        if (code.asInt() != 0) {
            throw notProcessed(exchange, new EnkashRefusedException("EnKash refused the request" + describe(node),
                    status));
        }
        JsonNode payload = node.path("payload");
        String cardId = text(payload, "enKashCardId");
        if (cardId == null) {
            throw new EnkashOutcomeUnknownException("EnKash reported success without an enKashCardId", status);
        }
        JsonNode cardStatus = payload.path("cardStatus");
        return new CreatedCard(cardId, text(payload, "maskedNumber"),
                cardStatus.isObject() ? text(cardStatus, "name") : text(payload, "cardStatus"),
                text(payload, "kycStatus"));
    }

    /** EnKash said it did not act on the call: no card can have come of it. */
    private static RuntimeException notProcessed(Exchange exchange, RuntimeException e) {
        exchange.setProperty(CardExchange.SEND_UNSETTLED, false);
        return e;
    }

    /** The answer as JSON, decrypted when encryption is on; null when it cannot be read either way. */
    private JsonNode read(String body) {
        try {
            return parse(codec.decode(body));
        } catch (RuntimeException undecryptable) {
            return null;
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** ": <EnKash's message>" from whichever envelope it used, or nothing. */
    static String describe(JsonNode node) {
        if (node == null || !node.isObject()) {
            return "";
        }
        for (String field : new String[] {"response_message", "message", "error_description", "error"}) {
            String text = text(node, field);
            if (text != null) {
                return ": " + text;
            }
        }
        JsonNode payload = node.get("payload");
        return payload != null && payload.isTextual() ? ": " + payload.asText() : "";
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    /** Retry-After in seconds or as an HTTP date, capped; null when absent or unreadable. */
    public static Duration retryAfter(String header, Clock clock, Duration cap) {
        if (header == null || header.isBlank()) {
            return null;
        }
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                d = Duration.between(clock.instant(), at.toInstant());
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        return d.compareTo(cap) > 0 ? cap : d;
    }
}
