package io.cardroutes.channels;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.cardroutes.persistence.BatchEntity;
import io.cardroutes.persistence.BatchItemEntity;
import io.cardroutes.persistence.BatchLedger;
import io.cardroutes.persistence.CardRequestEntity;
import io.cardroutes.persistence.OutcomeWriter;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardOutcome;
import io.cardroutes.pipeline.RequestIdConflictException;
import io.cardroutes.pipeline.InvalidRequestException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The REST channel's side of the HTTP exchange: requestIds (Idempotency-Key, else the body's
 * requestId, else a new UUID), and the bodies of its answers. Which answer (and status) a call gets is
 * decided in the routes (routes/inbound-rest.camel.yaml, inbound-rest-batch.camel.yaml); each method here
 * builds one answer's body.
 */
public class RestCards {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String BASE_PATH = "/api/v1";
    static final int DEFAULT_PAGE = 1000;
    static final int MAX_PAGE = 10_000;

    private final OutcomeWriter outcomes;

    public RestCards(OutcomeWriter outcomes) {
        this.outcomes = outcomes;
    }

    /** POST /cards: the body as one request carrying its requestId. */
    public Map<String, Object> request(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof Map<?, ?> request)) {
            throw new InvalidRequestException("the body must be one JSON object; send arrays and CSV to "
                    + BASE_PATH + "/cards/batch");
        }
        String key = idempotencyKey(exchange);
        return RequestIds.with(request, key != null ? key : RequestIds.ofBody(request, UUID.randomUUID().toString()));
    }

    /** Answers the body (an outcome, a batch's status, ...) as JSON with the status the route chose. */
    public void answer(Exchange exchange) {
        Problems.json(exchange, exchange.getMessage().getBody());
    }

    /** Where the outcome of the request just answered can be read again ({@code GET /cards/{requestId}}). */
    public String location(Exchange exchange) {
        String requestId = exchange.getProperty(CardExchange.OUTCOME, CardOutcome.class).requestId();
        return BASE_PATH + "/cards/" + URLEncoder.encode(requestId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** POST /cards sent again while the first is still being handled. */
    public void inFlight(Exchange exchange) {
        Problems.problem(exchange, withOutcome(Problems.problem(exchange, "in-flight", "The request is still being handled",
                "a request with this requestId is still being handled; ask again later with GET "
                        + BASE_PATH + "/cards/{requestId}"), exchange));
    }

    /** POST /cards with a requestId already used for other content (the IETF Idempotency-Key draft's 422). */
    public void keyReused(Exchange exchange) {
        RequestIdConflictException conflict = exchange.getProperty(CardExchange.FAILURE, RequestIdConflictException.class);
        Map<String, Object> problem = Problems.problem(exchange, "idempotency-key-reused",
                "The Idempotency-Key (requestId) was already used for a different request", conflict.getMessage());
        problem.put("idempotencyKey", conflict.requestId());
        Problems.problem(exchange, withOutcome(problem, exchange));
    }

    /** POST /cards invalid (every field problem listed) or refused by EnKash (its reason). */
    public void rejected(Exchange exchange) {
        CardOutcome outcome = outcome(exchange);
        @SuppressWarnings("unchecked")
        List<String> fieldProblems = exchange.getProperty(CardExchange.PROBLEMS, List.class);
        boolean invalid = fieldProblems != null && !fieldProblems.isEmpty();
        Map<String, Object> problem = invalid
                ? Problems.problem(exchange, "invalid-request", "The card request is invalid",
                        fieldProblems.size() + " field problem(s); see errors")
                : Problems.problem(exchange, "refused", "The card request was refused", outcome.error());
        problem.put("errors", invalid ? fieldProblems : List.of(String.valueOf(outcome.error())));
        Problems.problem(exchange, withOutcome(problem, exchange));
    }

    /** POST /cards: EnKash unreachable or overloaded after every retry. */
    public void enkashUnavailable(Exchange exchange) {
        Problems.problem(exchange, withOutcome(Problems.problem(exchange, "enkash-unavailable", "EnKash is not available",
                outcome(exchange).error()), exchange));
    }

    /** POST /cards: EnKash failed in a way retrying does not fix. */
    public void enkashFailed(Exchange exchange) {
        Problems.problem(exchange, withOutcome(Problems.problem(exchange, "enkash-failed", "EnKash did not create the card",
                outcome(exchange).error()), exchange));
    }

    /** POST /cards/batch: the parsed JSON array (or object) or CSV rows, as requests without ids yet. */
    public List<Map<?, ?>> batch(Object body) {
        List<?> rows = body instanceof List<?> list ? list : body instanceof Map<?, ?> one ? List.of(one) : null;
        if (rows == null) {
            throw new InvalidRequestException("the body must be a JSON array of request objects or CSV with a header row");
        }
        if (rows.isEmpty()) {
            throw new InvalidRequestException("the batch holds no request");
        }
        List<Map<?, ?>> requests = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (!(rows.get(i) instanceof Map<?, ?> row)) {
                throw new InvalidRequestException("element " + (i + 1) + " of the batch is not a JSON object");
            }
            requests.add(row);
        }
        return requests;
    }

    /**
     * Gives every request of a batch its requestId: its own, else {@code <Idempotency-Key>#n} (so
     * the same batch sent again with the same key creates no second card), else {@code <batchId>#n}.
     */
    public List<Map<String, Object>> batchRequestIds(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Map<?, ?>> requests = exchange.getMessage().getBody(List.class);
        String key = idempotencyKey(exchange);
        String prefix = key != null ? key : exchange.getProperty(CardExchange.BATCH_ID, String.class);
        List<Map<String, Object>> identified = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            identified.add(RequestIds.with(requests.get(i), RequestIds.ofBody(requests.get(i), prefix + "#" + (i + 1))));
        }
        return identified;
    }

    /** POST /cards/batch: the batch id, its size and where to follow it. */
    public void accepted(Exchange exchange) {
        String batchId = exchange.getProperty(CardExchange.BATCH_ID, String.class);
        int total = exchange.getProperty(CardExchange.BATCH_TOTAL, Integer.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("batchId", batchId);
        body.put("status", "OPEN");
        body.put("total", total);
        body.put("location", BASE_PATH + "/batches/" + batchId);
        Problems.json(exchange, body);
    }

    /**
     * GET /batches/{batchId}: the page asked for as numbers, {@code offset} (default 0) and {@code limit}
     * (default 1,000, at most 10,000); 400 unless whole numbers from 0.
     */
    public void batchPage(Exchange exchange) {
        Message in = exchange.getMessage();
        in.setHeader("offset", page(in.getHeader("offset", String.class), 0, Integer.MAX_VALUE, "offset"));
        in.setHeader("limit", page(in.getHeader("limit", String.class), DEFAULT_PAGE, MAX_PAGE, "limit"));
    }

    /** GET /batches/{batchId}: counts by status and the page of outcomes, from what the route read. */
    public Map<String, Object> batchStatus(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Object[]> counts = exchange.getProperty(CardExchange.BATCH_COUNTS, List.class);
        @SuppressWarnings("unchecked")
        List<BatchItemEntity> items = exchange.getProperty(CardExchange.BATCH_ITEMS, List.class);
        Map<String, Object> status = BatchLedger.view(exchange.getProperty(CardExchange.BATCH, BatchEntity.class), counts);
        status.put("offset", exchange.getMessage().getHeader("offset", Integer.class));
        status.put("items", BatchLedger.entries(items == null ? List.of() : items));
        return status;
    }

    /** GET /batches/{batchId} of a batch never opened. */
    public void noSuchBatch(Exchange exchange) {
        Problems.problem(exchange, Problems.problem(exchange, "not-found", "No such batch",
                "there is no batch " + exchange.getMessage().getHeader("batchId", String.class)));
    }

    /** GET /cards/{requestId}: the recorded outcome, or null. */
    public CardOutcome recorded(Exchange exchange) {
        String requestId = exchange.getMessage().getHeader("requestId", String.class);
        CardRequestEntity row = requestId == null ? null : outcomes.recorded(requestId);
        return row == null ? null : OutcomeWriter.outcomeOf(row, false);
    }

    /** GET /cards/{requestId} of a request never recorded. */
    public void noSuchRequest(Exchange exchange) {
        Problems.problem(exchange, Problems.problem(exchange, "not-found", "No such request",
                "no card request with this requestId was recorded"));
    }

    private static CardOutcome outcome(Exchange exchange) {
        return exchange.getMessage().getBody(CardOutcome.class);
    }

    private static Map<String, Object> withOutcome(Map<String, Object> problem, Exchange exchange) {
        CardOutcome outcome = outcome(exchange);
        problem.put("requestId", outcome.requestId());
        problem.put("outcome", outcome);
        return problem;
    }

    private static String idempotencyKey(Exchange exchange) {
        return RequestIds.given(exchange.getMessage().getHeader(IDEMPOTENCY_KEY));
    }

    private static int page(String value, int fallback, int max, String name) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.min(n, max);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(name + " must be a whole number from 0");
        }
    }
}
