package io.cardroutes.persistence;

import static io.cardroutes.persistence.LedgerRows.replay;
import static io.cardroutes.persistence.LedgerRows.text;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardOutcome;
import io.cardroutes.pipeline.CardStatus;
import io.cardroutes.pipeline.RequestIdConflictException;
import jakarta.persistence.PersistenceException;
import org.apache.camel.Exchange;
import org.hibernate.StatelessSession;

/**
 * The database side of idempotency. {@link #claim} takes a requestId for sending in one committed
 * transaction (so a crash leaves a SENDING trace) unless it is already CREATED or in flight, in
 * which case the earlier outcome comes back as a replay; the outcome is recorded later by the
 * {@link OutcomeWriter}.
 */
public class Claims {

    private final Database database;
    private final GroupCommit writes;
    private final Clock clock;
    private final InFlight inFlight;
    private final Leases leases;
    private final Duration inFlightWait;

    /** {@code inFlightWait}: how long a replay waits for the outcome of the same request in flight here. */
    public Claims(Database database, GroupCommit writes, Clock clock, InFlight inFlight, Leases leases,
            Duration inFlightWait) {
        this.database = database;
        this.writes = writes;
        this.clock = clock;
        this.inFlight = inFlight;
        this.leases = leases;
        this.inFlightWait = inFlightWait;
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
        String requestJson = LedgerRows.requestJson(exchange, request);
        String hash = exchange.getProperty(CardExchange.REQUEST_HASH, String.class);
        Instant now = LedgerRows.now(clock);
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
                    row.setOwner(leases.instance());
                    row.setLeaseUntil(leases.until(now));
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
            inFlight.settle(requestId, signal);
            CardRequestEntity row = LedgerRows.find(database, requestId);
            if (row == null) {
                throw raced;
            }
            refuseOtherContent(row, hash);
            return replay(exchange, row);
        } catch (RuntimeException unknown) {
            inFlight.settle(requestId, signal); // a timed-out or lost write: no duplicate here may wait for it
            throw unknown;
        }
        if (found == null) {
            inFlight.hold(exchange, requestId, signal);
            return null;
        }
        inFlight.settle(requestId, signal);
        refuseOtherContent(found, hash);
        if (leases.adoptable(found)) {
            return leases.adopt(exchange, found) ? null
                    : replay(exchange, settled(LedgerRows.find(database, requestId)));
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
                .setParameter("sending", CardStatus.SENDING.name()).setParameter("me", leases.instance())
                .setParameter("lease", leases.until(now)).setParameter("now", now).setParameter("channel", channel)
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
     * The same request is in flight in this process (a duplicate line, a redelivered message): wait,
     * within bounds, for its outcome so the replay reports it rather than "SENDING".
     */
    private CardRequestEntity settled(CardRequestEntity row) {
        // a signal means this process holds the request, or is taking it over from a gone one right now
        if (!inFlight.await(row.getRequestId(), inFlightWait) && !leases.instance().equals(row.getOwner())) {
            return row; // settled meanwhile, or held by no live process we can wait for
        }
        CardRequestEntity again = LedgerRows.find(database, row.getRequestId());
        return again == null ? row : again;
    }
}
