package io.cardroutes.channels;

import java.util.Map;

import io.cardroutes.persistence.ReplayRefusal;
import io.cardroutes.pipeline.CardExchange;
import org.apache.camel.Exchange;

/**
 * The REST answer of a retry that did not take its request ({@code POST /cards/{requestId}/retry}):
 * 404 for an unknown requestId, else 409 with the reason and the stored outcome. A retry that took its
 * request is answered with its new outcome like {@code POST /cards} ({@link RestCards#reply}).
 */
public class RestReplays {

    public void refused(Exchange exchange) {
        ReplayRefusal refusal = exchange.getProperty(CardExchange.REPLAY_REFUSAL, ReplayRefusal.class);
        if (refusal.unknown()) {
            Problems.problem(exchange, Problems.problem("not-found", "No such request", 404,
                    "no card request with this requestId was recorded"));
            return;
        }
        Map<String, Object> problem = Problems.problem("not-retryable", "Only a FAILED request can be retried", 409,
                "not retried: " + refusal.reason());
        problem.put("requestId", refusal.requestId());
        problem.put("requestStatus", refusal.status());
        problem.put("outcome", refusal.stored());
        Problems.problem(exchange, problem);
    }
}
