package io.cardroutes.channels;

import io.cardroutes.pipeline.CardExchange;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

/**
 * How the JMS and REST routes take a single request's result from {@code direct:card-pipeline}: they
 * call it with {@code enrich}, on a copy of their exchange, and this strategy brings back only the
 * outcome (body) and the exchange properties (cardOutcome, cardProblems, and the caught exception as
 * {@code cardFailure}). The pipeline ends a failure in a handled onException; called with a plain
 * {@code to}, that would also end the calling route before it could answer.
 */
public class PipelineOutcome implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange original, Exchange pipeline) {
        if (pipeline == null) {
            return original;
        }
        original.getMessage().setBody(pipeline.getMessage().getBody());
        original.getProperties().putAll(pipeline.getProperties());
        // Camel keeps the caught exception among its internal properties, which putAll does not see
        Object caught = pipeline.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT);
        if (caught != null) {
            original.setProperty(CardExchange.FAILURE, caught);
        }
        return original;
    }
}
