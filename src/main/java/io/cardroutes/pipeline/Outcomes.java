package io.cardroutes.pipeline;

import java.util.stream.Collectors;

import com.networknt.schema.ValidationMessage;
import io.cardroutes.enkash.CreatedCard;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidationException;

/** Builds the outcome of a request from where the pipeline ended: a created card or a caught failure. */
public class Outcomes {

    public CardOutcome created(Exchange exchange) {
        CreatedCard card = exchange.getMessage().getBody(CreatedCard.class);
        boolean reconciled = exchange.getProperty(CardExchange.RECONCILED, false, Boolean.class);
        return keep(exchange, new CardOutcome(requestId(exchange), CardStatus.CREATED.name(), card.enKashCardId(),
                card.maskedNumber(), card.cardStatus(), card.kycStatus(), null, attempts(exchange), false, reconciled));
    }

    /** EnKash may have made the request's card and the bundle cannot tell which card it is: a person decides. */
    public CardOutcome needsReview(Exchange exchange) {
        return failure(exchange, CardStatus.NEEDS_REVIEW, reason(caught(exchange)));
    }

    public CardOutcome rejected(Exchange exchange) {
        Throwable caught = caught(exchange);
        if (caught instanceof JsonValidationException invalid && !invalid.getErrors().isEmpty()) {
            exchange.setProperty(CardExchange.PROBLEMS, invalid.getErrors().stream().map(ValidationMessage::getMessage)
                    .sorted().toList());
        }
        return failure(exchange, CardStatus.REJECTED, reason(caught));
    }

    public CardOutcome failed(Exchange exchange) {
        Throwable caught = caught(exchange);
        int attempts = attempts(exchange);
        String reason = reason(caught);
        if (exchange.getProperty(CardExchange.VERIFY, false, Boolean.class)) {
            // an answer was lost and the search could not settle it: the card may exist, so never FAILED
            // (which a later copy of the request could send again) but a person's decision
            return failure(exchange, CardStatus.NEEDS_REVIEW, "EnKash's answer was lost and its card search could "
                    + "not be completed (" + reason + "): check in EnKash whether the card exists");
        }
        if (exchange.getProperty(CardExchange.SEND_UNSETTLED, false, Boolean.class)) {
            // a Create call left and nothing since said EnKash did not act on it
            return failure(exchange, CardStatus.NEEDS_REVIEW, "a Create call may have reached EnKash and its outcome "
                    + "is unknown (" + reason + "): check in EnKash whether the card exists");
        }
        if (attempts > 1) {
            reason = reason + " (gave up after " + attempts + " attempts)";
        }
        return failure(exchange, CardStatus.FAILED, reason);
    }

    private CardOutcome failure(Exchange exchange, CardStatus status, String reason) {
        return keep(exchange, new CardOutcome(requestId(exchange), status.name(), null, null, null, null, reason,
                attempts(exchange), false, false));
    }

    static String reason(Throwable caught) {
        if (caught == null) {
            return "unknown failure";
        }
        String storage = StorageFailures.reason(caught);
        if (storage != null) {
            return storage;
        }
        if (caught instanceof JsonValidationException invalid && !invalid.getErrors().isEmpty()) {
            return "invalid request: " + invalid.getErrors().stream().map(ValidationMessage::getMessage).sorted()
                    .collect(Collectors.joining("; "));
        }
        if (caught instanceof java.io.IOException) {
            return "EnKash unreachable: " + caught.getClass().getSimpleName()
                    + (caught.getMessage() == null ? "" : " (" + caught.getMessage() + ")");
        }
        return caught.getMessage() == null ? caught.getClass().getSimpleName() : caught.getMessage();
    }

    private static Throwable caught(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return t != null ? t : exchange.getException();
    }

    /**
     * What the outcome route and the REST answer need to know of the outcome, as plain properties (status,
     * replay, in flight, whether it is alerted, milliseconds since the pipeline took the request), so that the
     * routes read no method of it per request (each such read copies the exchange).
     */
    public void noted(Exchange exchange) {
        CardOutcome outcome = exchange.getProperty(CardExchange.OUTCOME, CardOutcome.class);
        String status = outcome == null ? null : outcome.status();
        exchange.setProperty(CardExchange.OUTCOME_STATUS, status);
        exchange.setProperty(CardExchange.OUTCOME_REPLAY, outcome != null && outcome.replay());
        exchange.setProperty(CardExchange.OUTCOME_IN_FLIGHT, outcome != null && outcome.inFlight());
        exchange.setProperty(CardExchange.OUTCOME_ALERT, outcome != null && !outcome.replay()
                && (CardStatus.FAILED.name().equals(status) || CardStatus.NEEDS_REVIEW.name().equals(status)));
        Long startedAt = exchange.getProperty(CardExchange.STARTED_AT, Long.class);
        exchange.setProperty(CardExchange.OUTCOME_MS, startedAt != null ? System.currentTimeMillis() - startedAt
                : exchange.getClock().elapsed());
    }

    /** Counts a Create call about to be sent (redeliveries and the repeat after a 401 included). */
    public void countAttempt(Exchange exchange) {
        exchange.setProperty(CardExchange.ATTEMPTS, attempts(exchange) + 1);
    }

    private static int attempts(Exchange exchange) {
        return exchange.getProperty(CardExchange.ATTEMPTS, 0, Integer.class);
    }

    private static String requestId(Exchange exchange) {
        return exchange.getProperty(CardExchange.REQUEST_ID, String.class);
    }

    private static CardOutcome keep(Exchange exchange, CardOutcome outcome) {
        exchange.setProperty(CardExchange.OUTCOME, outcome);
        exchange.getMessage().setBody(outcome);
        return outcome;
    }
}
