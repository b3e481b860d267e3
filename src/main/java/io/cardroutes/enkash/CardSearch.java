package io.cardroutes.enkash;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.pipeline.CardExchange;
import org.apache.camel.Exchange;

/**
 * EnKash's card search, as the {@code enkash-search} route uses it: it builds the search body, reads
 * the answer that {@code enkash-call} brought back (as a stream: no paging is documented and an account
 * may hold many cards), and keeps only each card's {@link CardSummary}. One search per card account
 * serves every ambiguous failure that happened before it started, for {@code window}: a batch of lost
 * answers searches once, and no request is ever settled by a search older than its own failure. While
 * one exchange searches an account, the others wanting that account wait for its listing
 * ({@link #begin} to {@link #end}, one turn per account).
 */
public class CardSearch {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    /** The turn an exchange holds between {@link #begin} and {@link #end} (Java only, never in a route file). */
    private static final String TURN = "cardSearchTurn";

    private final EnkashCodec codec;
    private final Clock clock;
    private final Duration window;
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> turns = new ConcurrentHashMap<>();

    public CardSearch(EnkashCodec codec, Clock clock, Duration window) {
        this.codec = codec;
        this.clock = clock;
        this.window = window;
    }

    /**
     * The request's card account as listed by a search that started no earlier than
     * {@link CardExchange#SEARCH_NOT_BEFORE}, or null when this exchange must search: it then holds the
     * account's turn until {@link #end}, so concurrent requests of the account wait for its listing.
     */
    public List<CardSummary> begin(Exchange exchange) {
        String key = account(exchange);
        Instant notBefore = exchange.getProperty(CardExchange.SEARCH_NOT_BEFORE, Instant.class);
        Snapshot s = snapshots.get(key);
        if (s != null && s.serves(notBefore, clock.instant(), window)) {
            return s.cards();
        }
        Semaphore turn = turns.computeIfAbsent(key, k -> new Semaphore(1));
        turn.acquireUninterruptibly();
        s = snapshots.get(key);
        if (s != null && s.serves(notBefore, clock.instant(), window)) {
            turn.release();
            return s.cards();
        }
        exchange.setProperty(TURN, new Turn(key, turn, clock.instant()));
        return null;
    }

    /** The search body: the request's companyId and cardAccountId (no enKashCardId: list them all). */
    public String request(Exchange exchange) {
        Map<String, Object> request = fields(exchange.getProperty(CardExchange.REQUEST, Map.class));
        return JSON.createObjectNode().put("companyId", text(request.get("companyId")))
                .put("cardAccountId", text(request.get("cardAccountId"))).toString();
    }

    /**
     * Reads the answer {@code enkash-call} brought back: the complete listing, kept for the others
     * waiting on this account, or an exception that says "don't know" (never "no card").
     */
    public List<CardSummary> read(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status != 200) {
            throw new EnkashRetryableException("EnKash card search answered HTTP " + status, status,
                    AnswerClassifier.retryAfter(exchange.getMessage().getHeader("Retry-After", String.class), clock,
                            Duration.ofMinutes(1)));
        }
        Listing listing;
        try {
            if (codec.encrypting()) {
                listing = parse(FACTORY.createParser(codec.decode(exchange.getMessage().getBody(String.class))));
            } else {
                try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
                    listing = parse(FACTORY.createParser(in));
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            throw new EnkashRetryableException("EnKash card search answer is unreadable", status, null);
        }
        List<CardSummary> cards = listing.complete();
        Turn turn = exchange.getProperty(TURN, Turn.class);
        if (turn != null) {
            snapshots.put(turn.key(), new Snapshot(turn.startedAt(), cards));
        }
        return cards;
    }

    /** The search call failed on its way (no answer): a search changes nothing at EnKash, so it may simply be made again. */
    public void unreachable(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (t instanceof RuntimeException e) {
            throw e;
        }
        throw new EnkashRetryableException("EnKash card search failed: "
                + (t == null ? "unknown error" : t.getClass().getSimpleName()), 0, null);
    }

    /** Gives the account's turn back, if this exchange holds it (after the listing was kept, or the search failed). */
    public void end(Exchange exchange) {
        Turn turn = exchange.getProperty(TURN, Turn.class);
        if (turn != null) {
            exchange.removeProperty(TURN);
            turn.semaphore().release();
        }
    }

    private static String account(Exchange exchange) {
        Map<String, Object> request = fields(exchange.getProperty(CardExchange.REQUEST, Map.class));
        return text(request.get("companyId")) + "\u0000" + text(request.get("cardAccountId"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(Map<?, ?> request) {
        return (Map<String, Object>) request;
    }

    /**
     * Reads either documented shape: {code,message,payload:{recordsCount,data:[cards]}} or
     * {response_code,response_message,payload:{one card}}; one card object in memory at a time.
     */
    static Listing parse(JsonParser p) throws IOException {
        List<CardSummary> cards = new ArrayList<>();
        Integer code = null;
        String message = null;
        Integer[] recordsCount = {null};
        boolean payload = false;
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ((field.equals("code") || field.equals("response_code")) && value.isNumeric()) {
                code = p.getIntValue();
            } else if ((field.equals("message") || field.equals("response_message")) && value.isScalarValue()) {
                message = p.getText();
            } else if (field.equals("payload") && value == JsonToken.START_OBJECT) {
                payload = true;
                readPayload(p, cards, recordsCount);
            } else {
                p.skipChildren();
            }
        }
        return new Listing(code, message, payload, recordsCount[0], cards);
    }

    private static void readPayload(JsonParser p, List<CardSummary> cards, Integer[] recordsCount)
            throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode loose = JSON.createObjectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("data") && value == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    cards.add(summary(JSON.readTree(p)));
                }
            } else if (field.equals("recordsCount") && value.isNumeric()) {
                recordsCount[0] = p.getIntValue();
            } else if (value.isScalarValue() || value == JsonToken.START_OBJECT) {
                loose.set(field, JSON.readTree(p)); // a single card's fields
            } else {
                p.skipChildren();
            }
        }
        if (loose.hasNonNull("enKashCardId")) {
            cards.add(summary(loose));
        }
    }

    /** A search answer as read: evidence about the account's cards only when {@link #complete()} says so. */
    record Listing(Integer code, String message, boolean payload, Integer recordsCount, List<CardSummary> cards) {

        /**
         * The cards, when EnKash said the search succeeded and listed them all. An error envelope (EnKash
         * answers errors with HTTP 200 too), no payload, or fewer cards than {@code recordsCount} tells
         * nothing about which cards exist: "don't know", never "no card".
         */
        List<CardSummary> complete() {
            if (code == null || code != 0) {
                throw new EnkashRetryableException("EnKash's card search did not succeed"
                        + (message == null ? "" : ": " + message), 200, null);
            }
            if (!payload) {
                throw new EnkashRetryableException("EnKash's card search answered without a listing", 200, null);
            }
            if (recordsCount != null && recordsCount > cards.size()) {
                throw new EnkashRetryableException("EnKash's card search listed " + cards.size() + " of "
                        + recordsCount + " cards", 200, null);
            }
            return cards;
        }
    }

    private static CardSummary summary(JsonNode card) {
        JsonNode status = card.path("cardStatus");
        return new CardSummary(text(card, "enKashCardId"), text(card, "maskedNumber"),
                status.isObject() ? text(status, "name") : text(card, "cardStatus"), text(card, "kycStatus"),
                text(card, "mobile"), text(card, "email"), text(card, "firstName"), text(card, "lastName"),
                text(card, "userId"), text(card, "createdDate"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    private static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }

    private record Turn(String key, Semaphore semaphore, Instant startedAt) {
    }

    private record Snapshot(Instant startedAt, List<CardSummary> cards) {
        boolean serves(Instant notBefore, Instant now, Duration window) {
            return !startedAt.isBefore(notBefore) && Duration.between(startedAt, now).compareTo(window) <= 0;
        }
    }
}
