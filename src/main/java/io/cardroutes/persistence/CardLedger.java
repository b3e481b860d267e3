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
import io.cardroutes.pipeline.RequestIdConflictException;
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
    /**
     * This process, as {@code <instance name>/<run>}: rows it holds in flight carry it, so a row of a
     * previous run of the same instance (a restart) is adopted at once, and another live instance's
     * rows are left alone while their lease is renewed.
     */
    private final String instance;
    private final String namePrefix;
    private final java.time.Duration inFlightWait;
    private final java.time.Duration lease;

    public CardLedger(Database database, GroupCommit writes, Clock clock, java.time.Duration inFlightWait,
            String instanceName, java.time.Duration lease) {
        this.database = database;
        this.writes = writes;
        this.clock = clock;
        this.inFlightWait = inFlightWait;
        this.namePrefix = instanceName + "/";
        this.instance = namePrefix + java.util.UUID.randomUUID().toString().substring(0, 8);
        this.lease = lease;
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
        String hash = exchange.getProperty(CardExchange.REQUEST_HASH, String.class);
        Instant now = now();
        CompletableFuture<Void> signal = new CompletableFuture<>();
        CardRequestEntity found;
        try {
            found = writes.write(session -> {
                CardRequestEntity row = session.get(CardRequestEntity.class, requestId);
                if (row != null && CardStatus.BLOCKING.contains(row.getStatus())) {
                    return row; // created, in flight, or waiting for a person: decided below, nothing written
                }
                String channel = exchange.getProperty(CardExchange.CHANNEL, "UNKNOWN", String.class);
                String source = exchange.getProperty(CardExchange.SOURCE, String.class);
                if (row == null) {
                    row = new CardRequestEntity();
                    row.setRequestId(requestId);
                    row.setCreatedAt(now);
                    row.setChannel(channel);
                    row.setSource(source);
                    row.setStatus(CardStatus.SENDING.name());
                    row.setOwner(instance);
                    row.setLeaseUntil(now.plus(lease));
                    row.setClaimedAt(now);
                    row.setCompanyId(text(request.get("companyId")));
                    row.setCardAccountId(text(request.get("cardAccountId")));
                    row.setRequestJson(requestJson);
                    row.setRequestHash(hash);
                    row.setUpdatedAt(now);
                    session.insert(row);
                } else if (reclaim(session, row, channel, source, request, requestJson, hash, now) != 1) {
                    // another taker re-claimed the FAILED/REJECTED row between our read and our write
                    throw new PersistenceException("request " + requestId + " was claimed meanwhile");
                }
                exchange.setProperty(CardExchange.CLAIMED_AT, row.getCreatedAt());
                exchange.setProperty(CardExchange.SENT_AFTER, now);
                // in the map before the commit, so a duplicate that reads this row can wait on it
                inFlight.put(requestId, signal);
                return null;
            });
        } catch (PersistenceException raced) {
            // another process took the same requestId between our read and our write
            settle(requestId, signal);
            CardRequestEntity row = find(requestId);
            if (row == null) {
                throw raced;
            }
            refuseOtherContent(row, hash);
            return replay(exchange, row);
        } catch (RuntimeException unknown) {
            settle(requestId, signal); // a timed-out or lost write: no duplicate here may wait for it
            throw unknown;
        }
        if (found == null) {
            hold(exchange, requestId, signal);
            return null;
        }
        settle(requestId, signal);
        refuseOtherContent(found, hash);
        if (adoptable(found)) {
            return adopt(exchange, found) ? null : replay(exchange, settled(find(requestId)));
        }
        return replay(exchange, CardStatus.IN_FLIGHT.contains(found.getStatus()) ? settled(found) : found);
    }

    /** Claims a FAILED or REJECTED row again: a compare-and-set on the status it was read with. */
    private int reclaim(StatelessSession session, CardRequestEntity row, String channel, String source,
            Map<String, Object> request, String requestJson, String hash, Instant now) {
        return session.createMutationQuery("update CardRequestEntity r set r.status = :sending, r.owner = :me, "
                        + "r.leaseUntil = :lease, r.claimedAt = :now, r.channel = :channel, r.source = :source, "
                        + "r.companyId = :company, r.cardAccountId = :account, r.requestJson = :json, r.requestHash = :hash, "
                        + "r.error = null, "
                        + "r.updatedAt = :now where r.requestId = :id and r.status = :old and r.updatedAt = :oldUpdated")
                .setParameter("sending", CardStatus.SENDING.name()).setParameter("me", instance)
                .setParameter("lease", now.plus(lease)).setParameter("now", now).setParameter("channel", channel)
                .setParameter("source", source).setParameter("company", text(request.get("companyId")))
                .setParameter("account", text(request.get("cardAccountId"))).setParameter("json", requestJson)
                .setParameter("hash", hash).setParameter("id", row.getRequestId()).setParameter("old", row.getStatus())
                .setParameter("oldUpdated", row.getUpdatedAt()).executeUpdate();
    }

    /**
     * The same requestId with other content than the stored request's (created, in flight or waiting
     * for a person) is refused: a replay would tell the second person of the first one's card. Rows
     * stored before fingerprints existed, and requests without one, are not compared.
     */
    private static void refuseOtherContent(CardRequestEntity row, String hash) {
        if (hash != null && row.getRequestHash() != null && !hash.equals(row.getRequestHash())) {
            throw new RequestIdConflictException(row.getRequestId());
        }
    }

    /**
     * An in-flight row no live process holds: no owner, a lease that ran out (its owner stopped
     * renewing it), or a previous run of this very instance (restarted: nothing of that run is alive).
     */
    boolean adoptable(CardRequestEntity row) {
        if (!CardStatus.IN_FLIGHT.contains(row.getStatus()) || instance.equals(row.getOwner())) {
            return false;
        }
        String owner = row.getOwner();
        return owner == null || owner.startsWith(namePrefix) || row.getLeaseUntil() == null
                || row.getLeaseUntil().isBefore(clock.instant());
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
        Instant now = now();
        // compare-and-set on the row exactly as read: a heartbeat, a settle or another taker makes it miss
        int taken = writes.write(session -> {
            var update = session.createMutationQuery("update CardRequestEntity r set r.owner = :me, "
                            + "r.status = :verifying, r.leaseUntil = :lease, r.updatedAt = :now where r.requestId = :id "
                            + "and r.status = :oldStatus and r.updatedAt = :oldUpdated and "
                            + (row.getOwner() == null ? "r.owner is null" : "r.owner = :old") + " and "
                            + (row.getLeaseUntil() == null ? "r.leaseUntil is null" : "r.leaseUntil = :oldLease"))
                    .setParameter("me", instance).setParameter("verifying", CardStatus.VERIFYING.name())
                    .setParameter("lease", now.plus(lease)).setParameter("now", now).setParameter("id", requestId)
                    .setParameter("oldStatus", row.getStatus()).setParameter("oldUpdated", row.getUpdatedAt());
            if (row.getOwner() != null) {
                update.setParameter("old", row.getOwner());
            }
            if (row.getLeaseUntil() != null) {
                update.setParameter("oldLease", row.getLeaseUntil());
            }
            return update.executeUpdate();
        });
        if (taken != 1) {
            settle(requestId, signal);
            return false;
        }
        hold(exchange, requestId, signal);
        exchange.setProperty(CardExchange.REQUEST_ID, row.getRequestId());
        exchange.setProperty(CardExchange.REQUEST, JSON.readValue(row.getRequestJson(), Map.class));
        exchange.setProperty(CardExchange.REQUEST_JSON, row.getRequestJson());
        exchange.setProperty(CardExchange.CLAIMED_AT, row.getCreatedAt());
        exchange.setProperty(CardExchange.SENT_AFTER, row.getClaimedAt() != null ? row.getClaimedAt() : row.getCreatedAt());
        exchange.setProperty(CardExchange.VERIFY, true);
        exchange.setProperty(CardExchange.FAILED_AT, now);
        exchange.setProperty(CardExchange.ATTEMPTS, row.getAttempts());
        exchange.setProperty(CardExchange.CHANNEL, row.getChannel());
        exchange.setProperty(CardExchange.SOURCE, row.getSource());
        return true;
    }

    /** Request ids left SENDING or VERIFYING by a process that is gone (for the recovery sweep). */
    public List<String> orphans() {
        EntityManager em = database.emf().createEntityManager();
        try {
            return em.createQuery("select r from CardRequestEntity r where r.status in :inFlight "
                    + "and (r.owner is null or r.owner <> :me)", CardRequestEntity.class)
                    .setParameter("inFlight", CardStatus.IN_FLIGHT).setParameter("me", instance).getResultStream()
                    .filter(this::adoptable).map(CardRequestEntity::getRequestId).toList();
        } finally {
            em.close();
        }
    }

    /** Adopts one orphan for the recovery sweep; false when a channel got to it first, it settled, or its owner lives. */
    public boolean adopt(Exchange exchange, String requestId) throws JsonProcessingException {
        CardRequestEntity row = find(requestId);
        if (row == null || !adoptable(row)) {
            return false;
        }
        exchange.setProperty(CardExchange.CHANNEL, row.getChannel());
        return adopt(exchange, row);
    }

    /**
     * Renews the lease of every request this process holds in flight (the {@code recovery-lease-renew}
     * route, well within the lease): other instances leave them alone while this runs.
     */
    public int renewLeases() {
        Instant now = now();
        return writes.write(session -> session.createMutationQuery("update CardRequestEntity r set r.leaseUntil = :lease "
                        + "where r.owner = :me and r.status in :inFlight")
                .setParameter("lease", now.plus(lease)).setParameter("me", instance)
                .setParameter("inFlight", CardStatus.IN_FLIGHT).executeUpdate());
    }

    /**
     * Before a request is sent again (a redelivery): confirms this process still holds it, renewing
     * its lease; throws {@link LeaseLostException} when another instance adopted it meanwhile.
     */
    public void confirmHeld(Exchange exchange) {
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        Instant now = now();
        int held = writes.write(session -> session.createMutationQuery("update CardRequestEntity r set r.leaseUntil = :lease "
                        + "where r.requestId = :id and r.owner = :me and r.status in :inFlight")
                .setParameter("lease", now.plus(lease)).setParameter("id", requestId).setParameter("me", instance)
                .setParameter("inFlight", CardStatus.IN_FLIGHT).executeUpdate());
        if (held != 1) {
            throw new LeaseLostException(requestId);
        }
    }

    /** The enKashCardIds among {@code cardIds} that are recorded for requests other than {@code requestId}. */
    public java.util.Set<String> heldByOthers(String requestId, java.util.Collection<String> cardIds) {
        if (cardIds.isEmpty()) {
            return java.util.Set.of();
        }
        writes.flush(); // outcomes recorded just now count too
        EntityManager em = database.emf().createEntityManager();
        try {
            return java.util.Set.copyOf(em.createQuery("select r.enkashCardId from CardRequestEntity r "
                    + "where r.enkashCardId in :ids and r.requestId <> :id", String.class)
                    .setParameter("ids", cardIds).setParameter("id", requestId).getResultList());
        } finally {
            em.close();
        }
    }

    /**
     * Commits the status (SENDING before a send, VERIFYING once an answer was lost) with the reason,
     * as a compare-and-set on this process holding the request in flight; throws
     * {@link LeaseLostException} when it does not. VERIFYING also notes when, so that only a card
     * search started later can settle the request.
     */
    public void mark(Exchange exchange, String status, String reason) {
        Instant now = now();
        if (CardStatus.VERIFYING.name().equals(status)) {
            exchange.setProperty(CardExchange.FAILED_AT, now);
        }
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        int attempts = exchange.getProperty(CardExchange.ATTEMPTS, 0, Integer.class);
        int marked = writes.write(session -> session.createMutationQuery("update CardRequestEntity r set r.status = :status, "
                        + "r.error = :error, r.attempts = :attempts, r.updatedAt = :now, r.leaseUntil = :lease "
                        + "where r.requestId = :id and r.owner = :me and r.status in :inFlight")
                .setParameter("status", status).setParameter("error", clip(reason))
                .setParameter("attempts", attempts).setParameter("now", now).setParameter("lease", now.plus(lease))
                .setParameter("me", instance).setParameter("id", requestId)
                .setParameter("inFlight", CardStatus.IN_FLIGHT).executeUpdate());
        if (marked != 1) {
            throw new LeaseLostException(requestId);
        }
    }

    /**
     * Writes an outcome onto its claimed row (what the claim stored stays as it is), as a
     * compare-and-set on the row being in flight and held by this process: a final CREATED or
     * NEEDS_REVIEW, or a row another instance adopted, is never overwritten. 0 when it did not apply.
     */
    private int writeOutcome(StatelessSession session, CardRequestEntity row) {
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
                update.setString(15, instance);
                return update.executeUpdate();
            }
        });
    }

    private static final String SETTLE = "update card_request set status = ?, channel = ?, source = ?, "
            + "enkash_card_id = ?, masked_number = ?, card_status = ?, kyc_status = ?, error = ?, attempts = ?, "
            + "reconciled = ?, candidates = ?, owner = ?, updated_at = ? where request_id = ? and owner = ? "
            + "and status in ('SENDING', 'VERIFYING')";

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
        boolean claimed = exchange.getProperty(CardExchange.CLAIMED_AT) != null;
        writes.submit(session -> {
            for (Object row : rows) {
                if (!(row instanceof CardRequestEntity request)) {
                    session.insert(row); // a batch item
                } else if (!claimed) {
                    // refused before any claim: recorded only if the id is new, never over another's row
                    if (session.get(CardRequestEntity.class, request.getRequestId()) == null) {
                        session.insert(row);
                    }
                } else if (writeOutcome(session, request) == 0) {
                    CardRequestEntity stored = session.get(CardRequestEntity.class, request.getRequestId());
                    LOG.warn("The outcome {} of request {} was not recorded: its row is {} and held by {}",
                            request.getStatus(), request.getRequestId(),
                            stored == null ? "gone" : stored.getStatus(), stored == null ? "no one" : stored.getOwner());
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

    /**
     * For a request another instance holds now: its row as it stands becomes the outcome, reported as
     * a replay so nothing of this exchange is written over it.
     */
    public CardOutcome asStored(Exchange exchange) {
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        CardRequestEntity row = recorded(requestId);
        CardOutcome outcome = replay(exchange, row);
        exchange.getMessage().setBody(outcome);
        return outcome;
    }

    /** The request's row as last recorded: waits first for the outcomes queued before this call. */
    public CardRequestEntity recorded(String requestId) {
        writes.flush();
        return find(requestId);
    }

    /** The rows to write for an outcome: the request's own row (unless a replay) and its batch item. */
    private List<Object> entities(Exchange exchange) throws JsonProcessingException {
        CardOutcome outcome = exchange.getProperty(CardExchange.OUTCOME, CardOutcome.class);
        Instant now = now();
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
                row.setRequestHash(exchange.getProperty(CardExchange.REQUEST_HASH, String.class));
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

    /** Millisecond precision: what every database here stores as it is, so compare-and-set reads match. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }

    private static String clip(String s) {
        return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }
}
