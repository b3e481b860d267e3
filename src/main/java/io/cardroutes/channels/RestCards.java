package io.cardroutes.channels;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cardroutes.ExceptionClasses;
import io.cardroutes.JsonProblems;
import io.cardroutes.enkash.EnkashRetryableException;
import io.cardroutes.persistence.BatchLedger;
import io.cardroutes.persistence.CardRequestEntity;
import io.cardroutes.persistence.OutcomeWriter;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardOutcome;
import io.cardroutes.pipeline.CardStatus;
import io.cardroutes.pipeline.RequestIdConflictException;
import io.cardroutes.pipeline.InvalidRequestException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST channel's side of the HTTP exchange: requestIds (Idempotency-Key, else the body's
 * requestId, else a new UUID), and how outcomes, batches and failures become status codes and bodies.
 */
public class RestCards {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String BASE_PATH = "/api/v1";
    static final int DEFAULT_PAGE = 1000;
    static final int MAX_PAGE = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(RestCards.class);

    private final OutcomeWriter outcomes;
    private final BatchLedger batches;

    public RestCards(OutcomeWriter outcomes, BatchLedger batches) {
        this.outcomes = outcomes;
        this.batches = batches;
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

    /**
     * POST /cards: 201 created, 200 replay of a settled request, 409 replay of one still in flight,
     * 422 invalid or refused, 503 EnKash unavailable after retries, 502 other EnKash failures, and
     * 202 for an outcome a later step settles (an ambiguous call being verified or awaiting review).
     */
    public void reply(Exchange exchange) {
        CardOutcome outcome = exchange.getMessage().getBody(CardOutcome.class);
        Throwable caught = exchange.getProperty(PipelineOutcome.FAILURE, Throwable.class);
        @SuppressWarnings("unchecked")
        List<String> fieldProblems = exchange.getProperty(CardExchange.PROBLEMS, List.class);
        String status = outcome.status();
        if (outcome.replay() && CardStatus.IN_FLIGHT.contains(status)) {
            Map<String, Object> problem = Problems.problem("in-flight", "The request is still being handled", 409,
                    "a request with this requestId is still being handled; ask again later with GET "
                            + BASE_PATH + "/cards/{requestId}");
            Problems.problem(exchange, withOutcome(problem, outcome));
        } else if (outcome.replay()) {
            Problems.json(exchange, 200, outcome);
        } else if ("CREATED".equals(status)) {
            Problems.json(exchange, 201, outcome);
            exchange.getMessage().setHeader("Location", location(outcome.requestId()));
        } else if (caught instanceof RequestIdConflictException conflict) {
            // IETF Idempotency-Key draft: the key reused with another payload is 422
            Map<String, Object> problem = Problems.problem("idempotency-key-reused",
                    "The Idempotency-Key (requestId) was already used for a different request", 422,
                    conflict.getMessage());
            problem.put("idempotencyKey", conflict.requestId());
            Problems.problem(exchange, withOutcome(problem, outcome));
        } else if ("REJECTED".equals(status)) {
            boolean invalid = fieldProblems != null && !fieldProblems.isEmpty();
            Map<String, Object> problem = invalid
                    ? Problems.problem("invalid-request", "The card request is invalid", 422,
                            fieldProblems.size() + " field problem(s); see errors")
                    : Problems.problem("refused", "The card request was refused", 422, outcome.error());
            problem.put("errors", invalid ? fieldProblems : List.of(String.valueOf(outcome.error())));
            Problems.problem(exchange, withOutcome(problem, outcome));
        } else if ("FAILED".equals(status)) {
            boolean unavailable = caught instanceof EnkashRetryableException || caught instanceof IOException;
            Map<String, Object> problem = unavailable
                    ? Problems.problem("enkash-unavailable", "EnKash is not available", 503, outcome.error())
                    : Problems.problem("enkash-failed", "EnKash did not create the card", 502, outcome.error());
            Problems.problem(exchange, withOutcome(problem, outcome));
        } else {
            Problems.json(exchange, 202, outcome);
            exchange.getMessage().setHeader("Location", location(outcome.requestId()));
        }
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

    /** POST /cards/batch: 202 with the batch id, its size and where to follow it. */
    public void accepted(Exchange exchange) {
        String batchId = exchange.getProperty(CardExchange.BATCH_ID, String.class);
        int total = exchange.getMessage().getBody(List.class).size();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("batchId", batchId);
        body.put("status", "OPEN");
        body.put("total", total);
        body.put("location", BASE_PATH + "/batches/" + batchId);
        Problems.json(exchange, 202, body);
        exchange.getMessage().setHeader("Location", BASE_PATH + "/batches/" + batchId);
    }

    /** GET /batches/{batchId}: counts by status and a page of outcomes ({@code offset}, {@code limit}), or 404. */
    public void batchStatus(Exchange exchange) {
        Message in = exchange.getMessage();
        String batchId = in.getHeader("batchId", String.class);
        int offset = page(in.getHeader("offset", String.class), 0, Integer.MAX_VALUE, "offset");
        int limit = page(in.getHeader("limit", String.class), DEFAULT_PAGE, MAX_PAGE, "limit");
        Map<String, Object> status = batches.describe(batchId);
        if (status == null) {
            Problems.problem(exchange, Problems.problem("not-found", "No such batch", 404,
                    "there is no batch " + batchId));
            return;
        }
        status.put("offset", offset);
        status.put("items", batches.outcomes(batchId, offset, limit));
        Problems.json(exchange, 200, status);
    }

    /** GET /cards/{requestId}: the recorded outcome, or 404. */
    public void outcome(Exchange exchange) {
        String requestId = exchange.getMessage().getHeader("requestId", String.class);
        CardRequestEntity row = requestId == null ? null : outcomes.recorded(requestId);
        if (row == null) {
            Problems.problem(exchange, Problems.problem("not-found", "No such request", 404,
                    "no card request with this requestId was recorded"));
            return;
        }
        Problems.json(exchange, 200, OutcomeWriter.outcomeOf(row, false));
    }

    /** Every failure of a REST route: 401 bad key, 400 unreadable, else 500 (logged without request data). */
    public void failure(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught instanceof ApiKeyRejectedException rejected) {
            LOG.warn("REST call to {} refused: {}", exchange.getFromRouteId(), rejected.getMessage());
            Problems.problem(exchange, Problems.problem("unauthorized", "A valid API key is required", 401,
                    rejected.getMessage()));
            return;
        }
        JsonProcessingException json = JsonProblems.in(caught);
        if (json != null) {
            Problems.problem(exchange, Problems.problem("unreadable", "The body is not valid JSON", 400,
                    json.getOriginalMessage() + JsonProblems.where(json)));
            return;
        }
        if (caught instanceof InvalidRequestException invalid) {
            Problems.problem(exchange, Problems.problem("unreadable", "The request cannot be read", 400,
                    invalid.getMessage()));
            return;
        }
        LOG.error("REST call failed (exchange {}): {}", exchange.getExchangeId(), ExceptionClasses.of(caught));
        Problems.problem(exchange, Problems.problem("internal", "The request could not be handled", 500,
                "see the bundle's log for exchange " + exchange.getExchangeId()));
    }

    private static Map<String, Object> withOutcome(Map<String, Object> problem, CardOutcome outcome) {
        problem.put("requestId", outcome.requestId());
        problem.put("outcome", outcome);
        return problem;
    }

    private static String idempotencyKey(Exchange exchange) {
        return RequestIds.given(exchange.getMessage().getHeader(IDEMPOTENCY_KEY));
    }

    private static String location(String requestId) {
        return BASE_PATH + "/cards/" + java.net.URLEncoder.encode(requestId, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
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
