package io.cardroutes.channels;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cardroutes.ExceptionClasses;
import io.cardroutes.JsonProblems;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The problem bodies of a REST call that failed before it had an answer (the route configurations
 * inbound-rest-api-key and inbound-rest-errors choose which, and the status).
 */
public class RestFailures {

    private static final Logger LOG = LoggerFactory.getLogger(RestFailures.class);

    /** A call without a valid X-API-Key. */
    public void unauthorized(Exchange exchange) {
        Throwable rejected = caught(exchange);
        LOG.warn("REST call to {} refused: {}", exchange.getFromRouteId(), rejected.getMessage());
        Problems.problem(exchange, Problems.problem(exchange, "unauthorized", "A valid API key is required",
                rejected.getMessage()));
    }

    /** A body that is not valid JSON: what the parser said, and where. */
    public void unreadableJson(Exchange exchange) {
        JsonProcessingException json = JsonProblems.in(caught(exchange));
        Problems.problem(exchange, Problems.problem(exchange, "unreadable", "The body is not valid JSON",
                json.getOriginalMessage() + JsonProblems.where(json)));
    }

    /** A request the channel cannot read (not one object, an empty batch, broken CSV, a bad page). */
    public void unreadable(Exchange exchange) {
        Problems.problem(exchange, Problems.problem(exchange, "unreadable", "The request cannot be read",
                caught(exchange).getMessage()));
    }

    /** Any other failure: logged without request data, answered with the exchange to look for in the log. */
    public void internal(Exchange exchange) {
        LOG.error("REST call failed (exchange {}): {}", exchange.getExchangeId(), ExceptionClasses.of(caught(exchange)));
        Problems.problem(exchange, Problems.problem(exchange, "internal", "The request could not be handled",
                "see the bundle's log for exchange " + exchange.getExchangeId()));
    }

    private static Throwable caught(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }
}
