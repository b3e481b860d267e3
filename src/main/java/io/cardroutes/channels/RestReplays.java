package io.cardroutes.channels;

import java.util.Map;

import io.cardroutes.persistence.ReplayRefusal;
import io.cardroutes.pipeline.CardExchange;
import org.apache.camel.Exchange;

/**
 * The REST answer of a retry that did not take its request ({@code POST /cards/{requestId}/retry}):
 * 404 for an unknown requestId, else 409 with the reason and the stored outcome. A retry that took its
 * request is answered with its new outcome like {@code POST /cards} (route {@code inbound-rest-card-answer}).
 */
public class RestReplays {

    /** No request was recorded under the requestId (the route chose 404). */
    public void unknown(Exchange exchange) {
        Problems.problem(exchange, Problems.problem(exchange, "not-found", "No such request",
                "no card request with this requestId was recorded"));
    }

    /** The request is not FAILED (the route chose 409): the reason, its status now and its stored outcome. */
    public void refused(Exchange exchange) {
        ReplayRefusal refusal = exchange.getProperty(CardExchange.REPLAY_REFUSAL, ReplayRefusal.class);
        Map<String, Object> problem = Problems.problem(exchange, "not-retryable", "Only a FAILED request can be retried",
                "not retried: " + refusal.reason());
        problem.put("requestId", refusal.requestId());
        problem.put("requestStatus", refusal.status());
        problem.put("outcome", refusal.stored());
        Problems.problem(exchange, problem);
    }
}
