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

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Lists a card account's cards through EnKash's search ({@code enkash-search} route), keeping only
 * each card's {@link CardSummary}. The answer is read as a stream (no paging is documented, an
 * account may hold many cards). One search per card account serves every ambiguous failure that
 * happened before it started, for {@code window}: a batch of lost answers searches once, and no
 * request is ever settled by a search older than its own failure.
 */
public class CardSearch {

    public static final String SEARCH_ROUTE = "direct:enkash-search";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private final ProducerTemplate template;
    private final EnkashCodec codec;
    private final TokenProvider tokens;
    private final Clock clock;
    private final Duration window;
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public CardSearch(ProducerTemplate template, EnkashCodec codec, TokenProvider tokens, Clock clock,
            Duration window) {
        this.template = template;
        this.codec = codec;
        this.tokens = tokens;
        this.clock = clock;
        this.window = window;
    }

    /** The account's cards as seen by a search that started no earlier than {@code notBefore}. */
    public List<CardSummary> cards(String companyId, String cardAccountId, Instant notBefore) {
        String key = companyId + "\u0000" + cardAccountId;
        Snapshot s = snapshots.get(key);
        if (s != null && s.serves(notBefore, clock.instant(), window)) {
            return s.cards();
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            s = snapshots.get(key);
            if (s != null && s.serves(notBefore, clock.instant(), window)) {
                return s.cards();
            }
            Instant started = clock.instant();
            List<CardSummary> cards = fetch(companyId, cardAccountId);
            snapshots.put(key, new Snapshot(started, cards));
            return cards;
        }
    }

    private List<CardSummary> fetch(String companyId, String cardAccountId) {
        String body = JSON.createObjectNode().put("companyId", companyId).put("cardAccountId", cardAccountId)
                .toString();
        Exchange answer = call(body);
        int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status == 401) {
            tokens.invalidate(answer);
            answer = call(body);
            status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        }
        if (status != 200) {
            throw new EnkashRetryableException("EnKash card search answered HTTP " + status, status,
                    AnswerClassifier.retryAfter(answer.getMessage().getHeader("Retry-After", String.class), clock,
                            Duration.ofMinutes(1)));
        }
        Listing listing;
        try {
            if (codec.encrypting()) {
                listing = parse(FACTORY.createParser(codec.decode(answer.getMessage().getBody(String.class))));
            } else {
                try (InputStream in = answer.getMessage().getBody(InputStream.class)) {
                    listing = parse(FACTORY.createParser(in));
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            throw new EnkashRetryableException("EnKash card search answer is unreadable", status, null);
        }
        return listing.complete();
    }

    private Exchange call(String body) {
        try {
            Exchange answer = template.request(SEARCH_ROUTE, ex -> {
                tokens.authorize(ex);
                ex.getMessage().setBody(codec.encode(body));
            });
            if (answer.getException() != null) {
                throw answer.getException();
            }
            return answer;
        } catch (CamelExecutionException e) {
            throw asRetryable(e.getCause() != null ? e.getCause() : e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw asRetryable(e);
        }
    }

    private static RuntimeException asRetryable(Throwable t) {
        if (t instanceof EnkashException e) {
            return e;
        }
        return new EnkashRetryableException("EnKash card search failed: " + t.getClass().getSimpleName(), 0, null);
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

    private record Snapshot(Instant startedAt, List<CardSummary> cards) {
        boolean serves(Instant notBefore, Instant now, Duration window) {
            return !startedAt.isBefore(notBefore) && Duration.between(startedAt, now).compareTo(window) <= 0;
        }
    }
}
