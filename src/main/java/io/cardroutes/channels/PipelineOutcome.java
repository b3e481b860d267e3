package io.cardroutes.channels;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * How the JMS and REST routes take a single request's result from {@code direct:card-pipeline}: they
 * call it with {@code enrich}, on a copy of their exchange, and this strategy brings back only the
 * outcome (body) and the exchange properties (cardOutcome, cardProblems, the caught exception). The
 * pipeline ends a replay with {@code stop} and a failure in a handled onException; called with a
 * plain {@code to}, either would also end the calling route before it could answer.
 */
public class PipelineOutcome implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange original, Exchange pipeline) {
        if (pipeline == null) {
            return original;
        }
        original.getMessage().setBody(pipeline.getMessage().getBody());
        original.getProperties().putAll(pipeline.getProperties());
        return original;
    }
}
