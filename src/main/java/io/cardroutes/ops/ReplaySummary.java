package io.cardroutes.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.cardroutes.persistence.ReplayRefusal;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardOutcome;
import org.apache.camel.Exchange;

/** What an operator reads after a retry through JMX: one line a request, and counts for a batch. */
final class ReplaySummary {

    /** The most requests a batch summary lists one by one. */
    static final int MAX_LINES = 100;

    private ReplaySummary() {
    }

    /** "id: not retried: reason", or "id: retried: STATUS card=... attempts=n (error)". */
    static String line(Exchange done) {
        ReplayRefusal refusal = done.getProperty(CardExchange.REPLAY_REFUSAL, ReplayRefusal.class);
        if (refusal != null) {
            return refusal.toString();
        }
        CardOutcome outcome = done.getProperty(CardExchange.OUTCOME, CardOutcome.class);
        String requestId = done.getProperty(CardExchange.REQUEST_ID, String.class);
        if (outcome == null) {
            return requestId + ": retry failed: " + failure(done);
        }
        return requestId + ": retried: " + outcome + (outcome.error() == null ? "" : " (" + outcome.error() + ")");
    }

    /** For the {@code replay-batch} route's answer: null (no such batch), its requests' exchanges, or none. */
    static String batch(String name, Object answer) {
        if (answer == null) {
            return "no batch has the id or input file name " + name;
        }
        List<?> done = answer instanceof List<?> list ? list : List.of();
        if (done.isEmpty()) {
            return "no FAILED request in " + name + ": nothing retried";
        }
        Map<String, Integer> counts = new TreeMap<>();
        List<String> lines = new ArrayList<>();
        for (Object one : done) {
            Exchange exchange = (Exchange) one;
            counts.merge(result(exchange), 1, Integer::sum);
            lines.add(line(exchange));
        }
        lines.sort(null);
        StringBuilder text = new StringBuilder(done.size() + " FAILED request(s) of " + name + " retried: " + counts);
        lines.stream().limit(MAX_LINES).forEach(line -> text.append('\n').append(line));
        if (lines.size() > MAX_LINES) {
            text.append("\n... and ").append(lines.size() - MAX_LINES).append(" more");
        }
        return text.toString();
    }

    private static String result(Exchange done) {
        if (done.getProperty(CardExchange.REPLAY_REFUSAL) != null) {
            return "NOT_RETRIED";
        }
        CardOutcome outcome = done.getProperty(CardExchange.OUTCOME, CardOutcome.class);
        return outcome == null ? "ERROR" : outcome.status();
    }

    private static String failure(Exchange done) {
        Throwable t = done.getException() != null ? done.getException()
                : done.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return t == null ? "no outcome" : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
