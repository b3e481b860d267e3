package io.cardroutes.persistence;

import static io.cardroutes.persistence.LedgerRows.clip;
import static io.cardroutes.persistence.LedgerRows.text;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cardroutes.ExceptionClasses;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardOutcome;
import io.cardroutes.pipeline.CardStatus;
import jakarta.persistence.EntityManager;
import org.apache.camel.Exchange;
import org.hibernate.StatelessSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes outcomes for the {@code outcome-store} route onto the rows {@link Claims} took, and reads
 * them back once written: a request's recorded row, and the cards recorded for other requests.
 */
public class OutcomeWriter {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeWriter.class);

    private static final String SETTLE = "update card_request set status = ?, channel = ?, source = ?, "
            + "enkash_card_id = ?, masked_number = ?, card_status = ?, kyc_status = ?, error = ?, attempts = ?, "
            + "reconciled = ?, candidates = ?, owner = ?, updated_at = ? where request_id = ? and owner = ? "
            + "and status in ('SENDING', 'VERIFYING')";

    private final Database database;
    private final GroupCommit writes;
    private final Clock clock;
    private final InFlight inFlight;
    /** This process's identity ({@link Leases#instance}): only the rows it holds are written over. */
    private final String instance;

    public OutcomeWriter(Database database, GroupCommit writes, Clock clock, InFlight inFlight, String instance) {
        this.database = database;
        this.writes = writes;
        this.clock = clock;
        this.inFlight = inFlight;
        this.instance = instance;
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
        // from now on the commit below wakes the duplicates, not the exchange's end
        Runnable wakeDuplicates = inFlight.outcomeQueued(exchange, requestId);
        boolean claimed = exchange.getProperty(CardExchange.CLAIMED_AT) != null;
        writes.submit(session -> {
            for (Object row : rows) {
                if (!(row instanceof CardRequestEntity request)) {
                    recordItem(session, (BatchItemEntity) row);
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
            wakeDuplicates.run();
        });
    }

    /**
     * A batch item is written once, but a queued batch that runs again (after a crash, or because a
     * request was still in flight elsewhere) records its unsettled requests again: it then replaces
     * an item left SENDING or VERIFYING, never a settled one.
     */
    private static void recordItem(StatelessSession session, BatchItemEntity item) {
        BatchItemEntity stored = session.get(BatchItemEntity.class, item.getKey());
        if (stored == null) {
            session.insert(item);
        } else if (CardStatus.IN_FLIGHT.contains(stored.getStatus())) {
            session.update(item);
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

    /**
     * For a request another instance holds now: its row as it stands becomes the outcome, reported as
     * a replay so nothing of this exchange is written over it.
     */
    public CardOutcome asStored(Exchange exchange) {
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        CardRequestEntity row = recorded(requestId);
        CardOutcome outcome = LedgerRows.replay(exchange, row);
        exchange.getMessage().setBody(outcome);
        return outcome;
    }

    /** The request's row as last recorded: waits first for the outcomes queued before this call. */
    public CardRequestEntity recorded(String requestId) {
        writes.flush();
        return LedgerRows.find(database, requestId);
    }

    /** The enKashCardIds among {@code cardIds} that are recorded for requests other than {@code requestId}. */
    public Set<String> heldByOthers(String requestId, Collection<String> cardIds) {
        if (cardIds.isEmpty()) {
            return Set.of();
        }
        writes.flush(); // outcomes recorded just now count too
        EntityManager em = database.emf().createEntityManager();
        try {
            return Set.copyOf(em.createQuery("select r.enkashCardId from CardRequestEntity r "
                    + "where r.enkashCardId in :ids and r.requestId <> :id", String.class)
                    .setParameter("ids", cardIds).setParameter("id", requestId).getResultList());
        } finally {
            em.close();
        }
    }

    /** The outcome a stored row stands for (what a replay or a status query reports). */
    public static CardOutcome outcomeOf(CardRequestEntity row, boolean replay) {
        return new CardOutcome(row.getRequestId(), row.getStatus(), row.getEnkashCardId(), row.getMaskedNumber(),
                row.getCardStatus(), row.getKycStatus(), row.getError(), row.getAttempts(), replay,
                row.isReconciled());
    }

    /** The rows to write for an outcome: the request's own row (unless a replay) and its batch item. */
    private List<Object> entities(Exchange exchange) throws JsonProcessingException {
        CardOutcome outcome = exchange.getProperty(CardExchange.OUTCOME, CardOutcome.class);
        Instant now = LedgerRows.now(clock);
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
                row.setRequestJson(LedgerRows.requestJson(exchange, request));
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
}
