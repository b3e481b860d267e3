package io.cardroutes.persistence;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.ExceptionClasses;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardOutcome;
import io.cardroutes.pipeline.CardStatus;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.hibernate.StatelessSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database side of idempotency. {@link #claim} takes a requestId for sending in one committed
 * transaction (so a crash leaves a SENDING trace) unless it is already CREATED or in flight, in
 * which case the earlier outcome comes back as a replay. {@link #record} writes an outcome for the
 * {@code outcome-store} route.
 */
public class CardLedger {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(CardLedger.class);

    /** Internal: the signal that wakes this request's in-process duplicates once its outcome is recorded. */
    private static final String SETTLED_SIGNAL = "cardSettledSignal";

    private final Database database;
    private final GroupCommit writes;
    private final Clock clock;
    /** Requests this process holds in flight, each with the signal its duplicates wait on. */
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    /** This process: rows it holds in flight carry it, so rows of a crashed process are told apart. */
    private final String instance = java.util.UUID.randomUUID().toString();

    private final java.time.Duration inFlightWait;

    public CardLedger(Database database, GroupCommit writes, Clock clock, java.time.Duration inFlightWait) {
        this.database = database;
        this.writes = writes;
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
        CompletableFuture<Void> signal = new CompletableFuture<>();
        CardRequestEntity found;
        try {
            found = writes.write(session -> {
                CardRequestEntity row = session.get(CardRequestEntity.class, requestId);
                if (row != null && CardStatus.BLOCKING.contains(row.getStatus())) {
                    return row; // created, in flight, or waiting for a person: decided below, nothing written
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
                    session.insert(row);
                } else {
                    session.update(row);
                }
                exchange.setProperty(CardExchange.CLAIMED_AT, row.getCreatedAt());
                // in the map before the commit, so a duplicate that reads this row can wait on it
                inFlight.put(requestId, signal);
                return null;
            });
        } catch (PersistenceException raced) {
            // another process inserted the same requestId between our read and our insert
            settle(requestId, signal);
            CardRequestEntity row = find(requestId);
            if (row == null) {
                throw raced;
            }
            return replay(exchange, row);
        }
        if (found == null) {
            hold(exchange, requestId, signal);
            return null;
        }
        settle(requestId, signal);
        boolean orphan = CardStatus.IN_FLIGHT.contains(found.getStatus()) && !instance.equals(found.getOwner());
        if (orphan) {
            return adopt(exchange, found) ? null : replay(exchange, settled(find(requestId)));
        }
        return replay(exchange, CardStatus.IN_FLIGHT.contains(found.getStatus()) ? settled(found) : found);
    }

    /** This exchange holds the request: its recorded outcome (or, as a backstop, its end) wakes the duplicates. */
    private void hold(Exchange exchange, String requestId, CompletableFuture<Void> signal) {
        Held held = new Held(signal);
        exchange.setProperty(SETTLED_SIGNAL, held);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                if (!held.recorded) {
                    settle(requestId, signal); // ended without an outcome: nothing more will come
                }
            }
        });
    }

    /** A request this exchange holds: the signal its duplicates wait on, and whether its outcome went to the writer. */
    private static final class Held {
        final CompletableFuture<Void> signal;
        volatile boolean recorded;

        Held(CompletableFuture<Void> signal) {
            this.signal = signal;
        }
    }

    /** Wakes the duplicates waiting for this request's outcome (if the signal is still the current one). */
    private void settle(String requestId, CompletableFuture<Void> signal) {
        inFlight.remove(requestId, signal);
        signal.complete(null);
    }

    /**
     * The same request is in flight in this process (a duplicate line, a redelivered message): wait,
     * within bounds, for its outcome so the replay reports it rather than "SENDING".
     */
    private CardRequestEntity settled(CardRequestEntity row) {
        // a signal means this process holds the request, or is taking it over from a gone one right now
        CompletableFuture<Void> signal = inFlight.get(row.getRequestId());
        if (signal == null && !instance.equals(row.getOwner())) {
            return row; // settled meanwhile, or held by no live process we can wait for
        }
        if (signal != null) {
            try {
                signal.get(inFlightWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException stillInFlight) {
                // report it as it stands
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        CardRequestEntity again = find(row.getRequestId());
        return again == null ? row : again;
    }

    /**
     * Takes over a request a gone process left in flight (compare-and-set on its owner, so only one
     * taker wins) and prepares the exchange to settle it: the stored request, and verify-first.
     */
    public boolean adopt(Exchange exchange, CardRequestEntity row) throws JsonProcessingException {
        String requestId = row.getRequestId();
        CompletableFuture<Void> signal = new CompletableFuture<>();
        // before the commit, so a duplicate that reads the row can wait on it; and only one taker in this
        // process (another that is adopting or holding it keeps its signal, which this caller then waits on)
        if (inFlight.putIfAbsent(requestId, signal) != null) {
            return false;
        }
        int taken = writes.write(session -> session.createMutationQuery("update CardRequestEntity r set r.owner = :me, "
                        + "r.status = :verifying, r.updatedAt = :now where r.requestId = :id and r.status in :inFlight "
                        + "and (r.owner is null or r.owner = :old)")
                .setParameter("me", instance).setParameter("verifying", CardStatus.VERIFYING.name())
                .setParameter("now", clock.instant()).setParameter("id", requestId)
                .setParameter("inFlight", CardStatus.IN_FLIGHT).setParameter("old", row.getOwner())
                .executeUpdate());
        if (taken != 1) {
            settle(requestId, signal);
            return false;
        }
        hold(exchange, requestId, signal);
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
        EntityManager em = database.emf().createEntityManager();
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
        writes.write(session -> session.createMutationQuery("update CardRequestEntity r set r.status = :status, r.error = :error, "
                        + "r.attempts = :attempts, r.updatedAt = :now, r.owner = :me where r.requestId = :id")
                .setParameter("status", status).setParameter("error", clip(reason))
                .setParameter("attempts", attempts).setParameter("now", clock.instant())
                .setParameter("me", instance).setParameter("id", requestId).executeUpdate());
    }

    /** Writes an outcome onto its claimed row (what the claim stored stays as it is); 0 when unclaimed. */
    private static int writeOutcome(StatelessSession session, CardRequestEntity row) {
        return session.doReturningWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement(SETTLE)) {
                update.setString(1, row.getStatus());
                update.setString(2, row.getChannel());
                update.setString(3, row.getSource());
                update.setString(4, row.getEnkashCardId());
                update.setString(5, row.getMaskedNumber());
                update.setString(6, row.getCardStatus());
                update.setString(7, row.getKycStatus());
                update.setString(8, row.getError());
                update.setInt(9, row.getAttempts());
                update.setBoolean(10, row.isReconciled());
                update.setString(11, row.getCandidates());
                update.setString(12, row.getOwner());
                update.setObject(13, row.getUpdatedAt().atOffset(ZoneOffset.UTC));
                update.setString(14, row.getRequestId());
                return update.executeUpdate();
            }
        });
    }

    private static final String SETTLE = "update card_request set status = ?, channel = ?, source = ?, "
            + "enkash_card_id = ?, masked_number = ?, card_status = ?, kyc_status = ?, error = ?, attempts = ?, "
            + "reconciled = ?, candidates = ?, owner = ?, updated_at = ? where request_id = ?";

    /** The outcome a stored row stands for (what a replay or a status query reports). */
    public static CardOutcome outcomeOf(CardRequestEntity row, boolean replay) {
        return new CardOutcome(row.getRequestId(), row.getStatus(), row.getEnkashCardId(), row.getMaskedNumber(),
                row.getCardStatus(), row.getKycStatus(), row.getError(), row.getAttempts(), replay,
                row.isReconciled());
    }

    public CardRequestEntity find(String requestId) {
        EntityManager em = database.emf().createEntityManager();
        try {
            return em.find(CardRequestEntity.class, requestId);
        } finally {
            em.close();
        }
    }

    /**
     * Records an outcome: the request's own row (unless a replay) and its batch item, committed with
     * the next group (see {@link GroupCommit}) without waiting for it; the commit wakes the request's
     * duplicates. Whoever reads outcomes back waits for them first ({@link #recorded}, the batch reads).
     * The channel may answer before the commit: a crash in between leaves the request in flight, and
     * the start-up recovery settles it through EnKash's card search, so no card is issued twice.
     */
    public void record(Exchange exchange) throws JsonProcessingException {
        List<Object> rows = entities(exchange);
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        Held held = exchange.getProperty(SETTLED_SIGNAL, Held.class);
        if (held != null) {
            held.recorded = true; // from now on the commit below wakes the duplicates, not the exchange's end
        }
        writes.submit(session -> {
            for (Object row : rows) {
                if (!(row instanceof CardRequestEntity request) || writeOutcome(session, request) == 0) {
                    session.insert(row); // a batch item, or a request refused before it was claimed
                }
            }
            return null;
        }).whenComplete((done, failure) -> {
            if (failure != null) {
                LOG.error("The outcome of request {} could not be recorded ({}); its row stays in flight until "
                        + "the next start settles it through EnKash's card search", requestId, ExceptionClasses.of(failure));
            }
            if (held != null) {
                settle(requestId, held.signal);
            }
        });
    }

    /** The request's row as last recorded: waits first for the outcomes queued before this call. */
    public CardRequestEntity recorded(String requestId) {
        writes.flush();
        return find(requestId);
    }

    /** The rows to write for an outcome: the request's own row (unless a replay) and its batch item. */
    private List<Object> entities(Exchange exchange) throws JsonProcessingException {
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
