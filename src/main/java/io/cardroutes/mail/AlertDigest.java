package io.cardroutes.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardOutcome;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers the requests that ended FAILED or NEEDS_REVIEW during one alert window into one digest
 * mail: counts by status, and the first {@code maxListed} requests each on a line (request, status,
 * channel and source, error, candidate cards). An outage that fails a thousand requests sends one
 * mail per window, not a thousand.
 */
public class AlertDigest implements AggregationStrategy {

    private final int maxListed;

    public AlertDigest(int maxListed) {
        this.maxListed = maxListed;
    }

    /** The line of one request, from its exchange's properties; no personal data (the outcome carries none). */
    public Entry entry(Exchange exchange) {
        CardOutcome outcome = exchange.getProperty(CardExchange.OUTCOME, CardOutcome.class);
        String candidates = exchange.getProperty(CardExchange.CANDIDATES, String.class);
        String line = exchange.getProperty(CardExchange.REQUEST_ID, String.class) + "  " + outcome.status()
                + "  (" + exchange.getProperty(CardExchange.CHANNEL, String.class) + " "
                + exchange.getProperty(CardExchange.SOURCE, String.class) + ")  " + outcome.error()
                + (candidates == null || candidates.isEmpty() ? "" : "  candidate cards: " + candidates);
        return new Entry(outcome.status(), line);
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Entry entry = newExchange.getMessage().getBody(Entry.class);
        if (oldExchange == null) {
            Digest digest = new Digest(maxListed);
            digest.add(entry);
            newExchange.getMessage().setBody(digest);
            return newExchange;
        }
        oldExchange.getMessage().getBody(Digest.class).add(entry);
        return oldExchange;
    }

    /** One request's part of a digest. */
    public record Entry(String status, String line) {
    }

    /** The requests of one alert window. */
    public static final class Digest {

        private final int maxListed;
        private final Map<String, Integer> counts = new TreeMap<>();
        private final List<String> lines = new ArrayList<>();
        private int total;

        Digest(int maxListed) {
            this.maxListed = maxListed;
        }

        void add(Entry entry) {
            total++;
            counts.merge(entry.status(), 1, Integer::sum);
            if (lines.size() < maxListed) {
                lines.add(entry.line());
            }
        }

        public String subject() {
            return "[enkash-card-routes] alert: " + String.join(", ", counts.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey()).toList());
        }

        public String text() {
            StringBuilder text = new StringBuilder();
            text.append(total).append(" request(s) ended needing attention since the last alert mail:\n\n");
            counts.forEach((status, n) -> text.append(String.format("  %-14s %d%n", status, n)));
            text.append('\n');
            lines.forEach(line -> text.append(line).append('\n'));
            if (total > lines.size()) {
                text.append("... and ").append(total - lines.size())
                        .append(" more; every outcome is in the database (card_request) and GET /api/v1/cards/{requestId}.\n");
            }
            if (counts.containsKey("NEEDS_REVIEW")) {
                text.append("\nNEEDS_REVIEW: EnKash's answer was lost and a card may exist. The bundle will not send "
                        + "these requests again. Check the candidate cards in EnKash, then settle each request's row in "
                        + "card_request (status NEEDS_REVIEW).\n");
            }
            if (counts.containsKey("FAILED")) {
                text.append("\nFAILED: EnKash did not create the card (unreachable after every retry, or a failure "
                        + "retrying does not fix). The request can be sent again.\n");
            }
            return text.toString();
        }
    }
}
