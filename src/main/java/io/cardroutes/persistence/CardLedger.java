package io.cardroutes.persistence;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardOutcome;
import io.cardroutes.pipeline.CardStatus;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;
import org.apache.camel.Exchange;

/**
 * The database side of idempotency. {@link #claim} takes a requestId for sending in one committed
 * transaction (so a crash leaves a SENDING trace) unless it is already CREATED or in flight, in
 * which case the earlier outcome comes back as a replay. {@link #entities} turns an outcome into
 * the rows the {@code outcome-store} route writes through Camel JPA.
 */
public class CardLedger {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EntityManagerFactory emf;
    private final Clock clock;

    public CardLedger(EntityManagerFactory emf, Clock clock) {
        this.emf = emf;
        this.clock = clock;
    }

    /** Returns the earlier outcome as a replay, or null once this exchange owns the requestId. */
    public CardOutcome claim(Exchange exchange) throws JsonProcessingException {
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> request = exchange.getProperty(CardExchange.REQUEST, Map.class);
        String requestJson = JSON.writeValueAsString(request);
        Instant now = clock.instant();
        EntityManager em = emf.createEntityManager();
        try {
            em.getTransaction().begin();
            CardRequestEntity row = em.find(CardRequestEntity.class, requestId);
            if (row != null && CardStatus.BLOCKING.contains(row.getStatus())) {
                em.getTransaction().rollback();
                return replay(exchange, row);
            }
            boolean fresh = row == null;
            if (fresh) {
                row = new CardRequestEntity();
                row.setRequestId(requestId);
                row.setCreatedAt(now);
            }
            row.setChannel(exchange.getProperty(CardExchange.CHANNEL, "UNKNOWN", String.class));
            row.setSource(exchange.getProperty(CardExchange.SOURCE, String.class));
            row.setStatus(CardStatus.SENDING.name());
            row.setCompanyId(text(request.get("companyId")));
            row.setCardAccountId(text(request.get("cardAccountId")));
            row.setRequestJson(requestJson);
            row.setError(null);
            row.setUpdatedAt(now);
            if (fresh) {
                em.persist(row);
            }
            em.getTransaction().commit();
            exchange.setProperty(CardExchange.CLAIMED_AT, row.getCreatedAt());
            return null;
        } catch (PersistenceException raced) {
            // another consumer inserted the same requestId between our read and our insert
            if (em.getTransaction().isActive()) {
                em.getTransaction().rollback();
            }
            CardRequestEntity row = find(requestId);
            if (row == null) {
                throw raced;
            }
            return replay(exchange, row);
        } finally {
            em.close();
        }
    }

    public CardRequestEntity find(String requestId) {
        EntityManager em = emf.createEntityManager();
        try {
            return em.find(CardRequestEntity.class, requestId);
        } finally {
            em.close();
        }
    }

    /** The rows to write for an outcome: the request's own row (unless a replay) and its batch item. */
    public List<Object> entities(Exchange exchange) throws JsonProcessingException {
        CardOutcome outcome = exchange.getProperty(CardExchange.OUTCOME, CardOutcome.class);
        Instant now = clock.instant();
        List<Object> rows = new ArrayList<>(2);
        if (!outcome.replay()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> request = exchange.getProperty(CardExchange.REQUEST, Map.class);
            CardRequestEntity row = new CardRequestEntity();
            row.setRequestId(outcome.requestId());
            row.setChannel(exchange.getProperty(CardExchange.CHANNEL, "UNKNOWN", String.class));
            row.setSource(exchange.getProperty(CardExchange.SOURCE, String.class));
            row.setStatus(outcome.status());
            if (request != null) {
                row.setCompanyId(text(request.get("companyId")));
                row.setCardAccountId(text(request.get("cardAccountId")));
                row.setRequestJson(JSON.writeValueAsString(request));
            }
            row.setEnkashCardId(outcome.enKashCardId());
            row.setMaskedNumber(outcome.maskedNumber());
            row.setCardStatus(outcome.cardStatus());
            row.setKycStatus(outcome.kycStatus());
            row.setError(clip(outcome.error()));
            row.setAttempts(outcome.attempts());
            row.setCreatedAt(exchange.getProperty(CardExchange.CLAIMED_AT, now, Instant.class));
            row.setUpdatedAt(now);
            rows.add(row);
        }
        String batchId = exchange.getProperty(CardExchange.BATCH_ID, String.class);
        if (batchId != null) {
            BatchItemEntity item = new BatchItemEntity();
            item.setKey(new BatchItemEntity.Key(batchId, exchange.getProperty(CardExchange.SEQ, 0, Integer.class)));
            item.setRequestId(outcome.requestId());
            item.setStatus(outcome.status());
            item.setEnkashCardId(outcome.enKashCardId());
            item.setMaskedNumber(outcome.maskedNumber());
            item.setError(clip(outcome.error()));
            item.setReplay(outcome.replay());
            item.setRecordedAt(now);
            rows.add(item);
        }
        return rows;
    }

    private static CardOutcome replay(Exchange exchange, CardRequestEntity row) {
        CardOutcome outcome = new CardOutcome(row.getRequestId(), row.getStatus(), row.getEnkashCardId(),
                row.getMaskedNumber(), row.getCardStatus(), row.getKycStatus(), row.getError(), row.getAttempts(),
                true);
        exchange.setProperty(CardExchange.OUTCOME, outcome);
        return outcome;
    }

    private static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }

    private static String clip(String s) {
        return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }
}
