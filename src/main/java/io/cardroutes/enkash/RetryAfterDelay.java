package io.cardroutes.enkash;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Runs when a retryable EnKash failure occurs, before Camel computes the next delay: a Retry-After
 * from EnKash (already capped) replaces the exponential back-off for that one attempt.
 */
public class RetryAfterDelay implements Processor {

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught instanceof EnkashRetryableException retryable && retryable.retryAfter().isPresent()) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, retryable.retryAfter().get().toMillis());
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }
}
