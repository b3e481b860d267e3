package io.cardroutes.persistence;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardOutcome;
import jakarta.persistence.EntityManager;
import org.apache.camel.Exchange;

/** What {@link Claims}, {@link Leases} and {@link OutcomeWriter} share about a request's row. */
final class LedgerRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LedgerRows() {
    }

    static CardRequestEntity find(Database database, String requestId) {
        EntityManager em = database.emf().createEntityManager();
        try {
            return em.find(CardRequestEntity.class, requestId);
        } finally {
            em.close();
        }
    }

    /** The row as it stands becomes the exchange's outcome, as a replay. */
    static CardOutcome replay(Exchange exchange, CardRequestEntity row) {
        CardOutcome outcome = OutcomeWriter.outcomeOf(row, true);
        exchange.setProperty(CardExchange.OUTCOME, outcome);
        return outcome;
    }

    static String requestJson(Exchange exchange, Map<String, Object> request) throws JsonProcessingException {
        String json = exchange.getProperty(CardExchange.REQUEST_JSON, String.class);
        return json != null ? json : JSON.writeValueAsString(request);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> request(String requestJson) throws JsonProcessingException {
        return JSON.readValue(requestJson, Map.class);
    }

    /** Millisecond precision: what every database here stores as it is, so compare-and-set reads match. */
    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }

    static String clip(String s) {
        return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }
}
