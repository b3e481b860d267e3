package io.cardroutes.channels;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

/**
 * How the JMS and REST routes take a single request's result from {@code direct:card-pipeline}: they
 * call it with {@code enrich}, on a copy of their exchange, and this strategy brings back only the
 * outcome (body) and the exchange properties (cardOutcome, cardProblems, and the caught exception as
 * {@value #FAILURE}). The pipeline ends a failure in a handled onException; called with a plain
 * {@code to}, that would also end the calling route before it could answer.
 */
public class PipelineOutcome implements AggregationStrategy {

    /** Exchange property: the exception that ended the request in the pipeline, if one did. */
    public static final String FAILURE = "cardFailure";

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
            original.setProperty(FAILURE, caught);
        }
        return original;
    }
}
