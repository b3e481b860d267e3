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
    /** This process: rows it holds in flight carry it, so rows of a crashed process are told apart. */
    private final String instance = java.util.UUID.randomUUID().toString();

    private final java.time.Duration inFlightWait;

    public CardLedger(EntityManagerFactory emf, Clock clock, java.time.Duration inFlightWait) {
        this.emf = emf;
        this.clock = clock;
        this.inFlightWait = inFlightWait;
    }

    public String instance() {
        return instance;
    }

    /**
     * Returns the earlier outcome as a replay, or null once this exchange owns the requestId. A row
     * left SENDING or VERIFYING by a process that is gone (a crash) is adopted instead: the exchange
     * gets {@code cardVerify=true}, so EnKash's card search decides before anything is sent again.
     */
    public CardOutcome claim(Exchange exchange) throws JsonProcessingException {
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> request = exchange.getProperty(CardExchange.REQUEST, Map.class);
        String requestJson = requestJson(exchange, request);
        Instant now = clock.instant();
        EntityManager em = emf.createEntityManager();
        try {
            em.getTransaction().begin();
            CardRequestEntity row = em.find(CardRequestEntity.class, requestId);
            boolean orphan = row != null && CardStatus.IN_FLIGHT.contains(row.getStatus())
                    && !instance.equals(row.getOwner());
            if (row != null && CardStatus.BLOCKING.contains(row.getStatus()) && !orphan) {
                em.getTransaction().rollback();
                return replay(exchange, CardStatus.IN_FLIGHT.contains(row.getStatus()) ? settled(row) : row);
            }
            if (orphan) {
                em.getTransaction().rollback();
                return adopt(exchange, row) ? null : replay(exchange, settled(find(requestId)));
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
            row.setOwner(instance);
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

    /**
     * The same request is in flight in this process (a duplicate line, a redelivered message): wait,
     * within bounds, for its outcome so the replay reports it rather than "SENDING".
     */
    private CardRequestEntity settled(CardRequestEntity row) {
        if (!instance.equals(row.getOwner())) {
            return row; // settled meanwhile, or held by no live process we can wait for
        }
        long deadline = System.nanoTime() + inFlightWait.toNanos();
        CardRequestEntity current = row;
        while (CardStatus.IN_FLIGHT.contains(current.getStatus()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return current;
            }
            CardRequestEntity again = find(row.getRequestId());
            current = again == null ? current : again;
        }
        return current;
    }

    /**
     * Takes over a request a gone process left in flight (compare-and-set on its owner, so only one
     * taker wins) and prepares the exchange to settle it: the stored request, and verify-first.
     */
    public boolean adopt(Exchange exchange, CardRequestEntity row) throws JsonProcessingException {
        int taken = inTransaction(em -> em.createQuery("update CardRequestEntity r set r.owner = :me, "
                        + "r.status = :verifying, r.updatedAt = :now where r.requestId = :id and r.status in :inFlight "
                        + "and (r.owner is null or r.owner = :old)")
                .setParameter("me", instance).setParameter("verifying", CardStatus.VERIFYING.name())
                .setParameter("now", clock.instant()).setParameter("id", row.getRequestId())
                .setParameter("inFlight", CardStatus.IN_FLIGHT).setParameter("old", row.getOwner())
                .executeUpdate());
        if (taken != 1) {
            return false;
        }
        exchange.setProperty(CardExchange.REQUEST_ID, row.getRequestId());
        exchange.setProperty(CardExchange.REQUEST, JSON.readValue(row.getRequestJson(), Map.class));
        exchange.setProperty(CardExchange.REQUEST_JSON, row.getRequestJson());
        exchange.setProperty(CardExchange.CLAIMED_AT, row.getCreatedAt());
        exchange.setProperty(CardExchange.VERIFY, true);
        exchange.setProperty(CardExchange.FAILED_AT, clock.instant());
        exchange.setProperty(CardExchange.ATTEMPTS, row.getAttempts());
        exchange.setProperty(CardExchange.CHANNEL, row.getChannel());
        exchange.setProperty(CardExchange.SOURCE, row.getSource());
        return true;
    }

    /** Request ids that a gone process left SENDING or VERIFYING (for the start-up sweep). */
    public List<String> orphans() {
        EntityManager em = emf.createEntityManager();
        try {
            return em.createQuery("select r.requestId from CardRequestEntity r where r.status in :inFlight "
                    + "and (r.owner is null or r.owner <> :me)", String.class)
                    .setParameter("inFlight", CardStatus.IN_FLIGHT).setParameter("me", instance).getResultList();
        } finally {
            em.close();
        }
    }

    /** Adopts one orphan for the start-up sweep; false when a channel got to it first or it settled. */
    public boolean adopt(Exchange exchange, String requestId) throws JsonProcessingException {
        CardRequestEntity row = find(requestId);
        if (row == null || !CardStatus.IN_FLIGHT.contains(row.getStatus()) || instance.equals(row.getOwner())) {
            return false;
        }
        exchange.setProperty(CardExchange.CHANNEL, row.getChannel());
        return adopt(exchange, row);
    }

    /**
     * Commits the status (SENDING before a send, VERIFYING once an answer was lost) with the reason.
     * VERIFYING also notes when, so that only a card search started later can settle the request.
     */
    public void mark(Exchange exchange, String status, String reason) {
        if (CardStatus.VERIFYING.name().equals(status)) {
            exchange.setProperty(CardExchange.FAILED_AT, clock.instant());
        }
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        int attempts = exchange.getProperty(CardExchange.ATTEMPTS, 0, Integer.class);
        inTransaction(em -> em.createQuery("update CardRequestEntity r set r.status = :status, r.error = :error, "
                        + "r.attempts = :attempts, r.updatedAt = :now, r.owner = :me where r.requestId = :id")
                .setParameter("status", status).setParameter("error", clip(reason))
                .setParameter("attempts", attempts).setParameter("now", clock.instant())
                .setParameter("me", instance).setParameter("id", requestId).executeUpdate());
    }

    /** The outcome a stored row stands for (what a replay or a status query reports). */
    public static CardOutcome outcomeOf(CardRequestEntity row, boolean replay) {
        return new CardOutcome(row.getRequestId(), row.getStatus(), row.getEnkashCardId(), row.getMaskedNumber(),
                row.getCardStatus(), row.getKycStatus(), row.getError(), row.getAttempts(), replay,
                row.isReconciled());
    }

    private <T> T inTransaction(java.util.function.Function<EntityManager, T> work) {
        return Transactions.inTransaction(emf, work);
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
                row.setRequestJson(requestJson(exchange, request));
            }
            row.setEnkashCardId(outcome.enKashCardId());
            row.setMaskedNumber(outcome.maskedNumber());
            row.setCardStatus(outcome.cardStatus());
            row.setKycStatus(outcome.kycStatus());
            row.setError(clip(outcome.error()));
            row.setAttempts(outcome.attempts());
            row.setReconciled(outcome.reconciled());
            row.setCandidates(exchange.getProperty(CardExchange.CANDIDATES, String.class));
            row.setOwner(CardStatus.IN_FLIGHT.contains(outcome.status()) ? instance : null);
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
        CardOutcome outcome = outcomeOf(row, true);
        exchange.setProperty(CardExchange.OUTCOME, outcome);
        return outcome;
    }

    private static String requestJson(Exchange exchange, Map<String, Object> request) throws JsonProcessingException {
        String json = exchange.getProperty(CardExchange.REQUEST_JSON, String.class);
        return json != null ? json : JSON.writeValueAsString(request);
    }

    private static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }

    private static String clip(String s) {
        return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }
}
