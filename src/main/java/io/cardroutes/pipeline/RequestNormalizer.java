package io.cardroutes.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/**
 * Turns one raw record (a JSON object or a CSV row) into the canonical request: EnKash's Create
 * fields plus requestId. Trims text, treats empty cells as absent, reads "true"/"false" in the
 * boolean columns, applies the configured companyId/cardAccountId, and gives a request without
 * requestId a deterministic one (source, its content's digest when a file, and record number) so a
 * re-dropped file is recognised and another file of the same name is not.
 * Whether the result is valid is the JSON Schema's call, not this class's.
 */
public class RequestNormalizer {

    public static final String REQUEST_ID = "requestId";
    static final String CONTROL_CHARACTERS = "requestId holds control characters (CR, LF, tab or others), which no id may hold";
    static final int MAX_ID_LENGTH = 200;
    static final Set<String> BOOLEAN_FIELDS = Set.of("physicalCard", "physicalDeliveryAddressFlag");
    /** The most characters of canonical JSON one request may have: the width of card_request.request_json. */
    public static final int MAX_REQUEST_CHARS = 20_000;
    /** companyId and cardAccountId are kept in columns of their own, this wide. */
    static final int MAX_ACCOUNT_CHARS = 100;
    private static final List<String> ACCOUNT_FIELDS = List.of("companyId", "cardAccountId");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper SORTED = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final String defaultCompanyId;
    private final String defaultCardAccountId;

    public RequestNormalizer(String defaultCompanyId, String defaultCardAccountId) {
        this.defaultCompanyId = defaultCompanyId;
        this.defaultCardAccountId = defaultCardAccountId;
    }

    /** Sets the canonical request and its id as exchange properties and the body to its JSON text. */
    public void normalize(Exchange exchange) throws JsonProcessingException {
        if (exchange.getProperty(CardExchange.STARTED_AT) == null) {
            exchange.setProperty(CardExchange.STARTED_AT, System.currentTimeMillis());
        }
        Object body = exchange.getMessage().getBody();
        int seq = exchange.getProperty(CardExchange.SEQ, 0, Integer.class);
        String fallbackId = fallbackId(exchange);
        if (!(body instanceof Map<?, ?> raw)) {
            exchange.setProperty(CardExchange.REQUEST_ID, fallbackId);
            throw new InvalidRequestException("record " + (seq + 1) + " is not a JSON object");
        }
        Object rawId = raw.get(REQUEST_ID);
        if (rawId != null && String.valueOf(rawId).chars().anyMatch(Character::isISOControl)) {
            // refused before the claim (trimming would hide some), and named in a printable form, so the id
            // forges no log line or results entry
            exchange.setProperty(CardExchange.REQUEST_ID, printable(String.valueOf(rawId)));
            exchange.setProperty(CardExchange.PROBLEMS, List.of(CONTROL_CHARACTERS));
            throw new InvalidRequestException(CONTROL_CHARACTERS);
        }
        Map<String, Object> request = canonical(raw);
        Object id = request.get(REQUEST_ID);
        String requestId = id == null ? fallbackId : String.valueOf(id);
        if (requestId.length() > MAX_ID_LENGTH) {
            // reported under its first 200 characters: the ledger and the results keep no longer id
            exchange.setProperty(CardExchange.REQUEST_ID, printable(requestId));
            throw new InvalidRequestException("requestId is longer than " + MAX_ID_LENGTH + " characters");
        }
        request.putIfAbsent(REQUEST_ID, requestId);
        exchange.setProperty(CardExchange.REQUEST_ID, requestId);
        String json = JSON.writeValueAsString(request);
        checkFits(request, json);
        exchange.setProperty(CardExchange.REQUEST, request);
        exchange.setProperty(CardExchange.REQUEST_JSON, json);
        exchange.setProperty(CardExchange.REQUEST_HASH, fingerprint(request));
        exchange.getMessage().setBody(json);
    }

    /** The requestId of a record that names none: {@code <source>[@<digest>]#<record number>}. */
    public static String fallbackId(Exchange exchange) {
        int seq = exchange.getProperty(CardExchange.SEQ, 0, Integer.class);
        String source = exchange.getProperty(CardExchange.SOURCE, "request", String.class);
        String digest = exchange.getProperty(CardExchange.SOURCE_DIGEST, String.class);
        return source + (digest == null ? "" : "@" + digest) + "#" + (seq + 1);
    }

    /**
     * SHA-256 of the request without its requestId, keys sorted: the same request in another order or
     * through another channel has the same fingerprint, a request with any other value has another.
     */
    static String fingerprint(Map<String, Object> request) throws JsonProcessingException {
        Map<String, Object> content = new java.util.TreeMap<>(request);
        content.remove(REQUEST_ID);
        byte[] canonical = SORTED.writeValueAsBytes(content);
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(canonical));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code requestId} with each control character written as {@code \\uXXXX}, at most 200 characters (the column). */
    public static String printable(String requestId) {
        StringBuilder out = new StringBuilder();
        for (char c : requestId.toCharArray()) {
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.length() <= MAX_ID_LENGTH ? out.toString() : out.substring(0, MAX_ID_LENGTH);
    }

    /**
     * Refuses a request the ledger's columns cannot hold, before it is claimed. Called before the
     * request is kept on the exchange, so its REJECTED row is written without the values that do not fit.
     */
    static void checkFits(Map<String, Object> request, String json) {
        int length = json.codePointCount(0, json.length());
        if (length > MAX_REQUEST_CHARS) {
            throw new InvalidRequestException("the request is too large: " + length + " characters as JSON, at most "
                    + MAX_REQUEST_CHARS + " are accepted");
        }
        for (String field : ACCOUNT_FIELDS) {
            Object value = request.get(field);
            if (value != null && String.valueOf(value).length() > MAX_ACCOUNT_CHARS) {
                throw new InvalidRequestException(field + " is longer than " + MAX_ACCOUNT_CHARS + " characters");
            }
        }
    }

    /**
     * Keeps the Create body EnKash receives, the canonical request less our requestId, as the
     * {@value CardExchange#PAYLOAD} property (a bean step: a {@code setProperty} with a method copies
     * the exchange for every call).
     */
    public void payload(Exchange exchange) throws JsonProcessingException {
        @SuppressWarnings("unchecked")
        Map<String, Object> request = exchange.getProperty(CardExchange.REQUEST, Map.class);
        Map<String, Object> payload = new LinkedHashMap<>(request);
        payload.remove(REQUEST_ID);
        exchange.setProperty(CardExchange.PAYLOAD, JSON.writeValueAsString(payload));
    }

    Map<String, Object> canonical(Map<?, ?> raw) {
        Map<String, Object> request = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            if (e.getKey() == null) {
                continue;
            }
            String key = String.valueOf(e.getKey()).trim();
            Object value = e.getValue();
            if (value instanceof String text) {
                text = text.trim();
                if (text.isEmpty()) {
                    continue;
                }
                value = BOOLEAN_FIELDS.contains(key) ? booleanOrText(text) : text;
            }
            if (value != null && !key.isEmpty()) {
                request.put(key, value);
            }
        }
        if (!request.containsKey("companyId") && !defaultCompanyId.isEmpty()) {
            request.put("companyId", defaultCompanyId);
        }
        if (!request.containsKey("cardAccountId") && !defaultCardAccountId.isEmpty()) {
            request.put("cardAccountId", defaultCardAccountId);
        }
        return request;
    }

    private static Object booleanOrText(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("true")) {
            return Boolean.TRUE;
        }
        if (lower.equals("false")) {
            return Boolean.FALSE;
        }
        return text; // the schema reports it as "must be a boolean"
    }
}
