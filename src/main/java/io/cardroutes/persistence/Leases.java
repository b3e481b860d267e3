package io.cardroutes.persistence;

import static io.cardroutes.persistence.LedgerRows.clip;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardStatus;
import org.apache.camel.Exchange;

/**
 * Who holds a request in flight: this process's identity, the leases on the rows it holds, the
 * status marks it commits while holding them, and the adoption of rows a gone process left in
 * flight (the {@code recovery} routes, and a claim that finds such a row).
 */
public class Leases {

    private final Database database;
    private final GroupCommit writes;
    private final Clock clock;
    private final InFlight inFlight;
    /**
     * This process, as {@code <instance name>/<run>}: rows it holds in flight carry it, so a row of a
     * previous run of the same instance (a restart) is adopted at once, and another live instance's
     * rows are left alone while their lease is renewed.
     */
    private final String instance;
    private final String namePrefix;
    private final Duration lease;

    public Leases(Database database, GroupCommit writes, Clock clock, InFlight inFlight, String instanceName,
            Duration lease) {
        this.database = database;
        this.writes = writes;
        this.clock = clock;
        this.inFlight = inFlight;
        this.namePrefix = instanceName + "/";
        this.instance = namePrefix + UUID.randomUUID().toString().substring(0, 8);
        this.lease = lease;
    }

    public String instance() {
        return instance;
    }

    /** When a lease taken or renewed at {@code now} runs out. */
    Instant until(Instant now) {
        return now.plus(lease);
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

    /**
     * Takes over a request a gone process left in flight (compare-and-set on its owner, so only one
     * taker wins) and prepares the exchange to settle it: the stored request, and verify-first.
     */
    public boolean adopt(Exchange exchange, CardRequestEntity row) throws JsonProcessingException {
        String requestId = row.getRequestId();
        CompletableFuture<Void> signal = new CompletableFuture<>();
        // before the commit, so a duplicate that reads the row can wait on it; and only one taker in this
        // process (another that is adopting or holding it keeps its signal, which this caller then waits on)
        if (!inFlight.putIfAbsent(requestId, signal)) {
            return false;
        }
        Instant now = LedgerRows.now(clock);
        // compare-and-set on the row exactly as read: a heartbeat, a settle or another taker makes it miss
        int taken = writes.write(session -> {
            var update = session.createMutationQuery("update CardRequestEntity r set r.owner = :me, "
                            + "r.status = :verifying, r.leaseUntil = :lease, r.updatedAt = :now where r.requestId = :id "
                            + "and r.status = :oldStatus and r.updatedAt = :oldUpdated and "
                            + (row.getOwner() == null ? "r.owner is null" : "r.owner = :old") + " and "
                            + (row.getLeaseUntil() == null ? "r.leaseUntil is null" : "r.leaseUntil = :oldLease"))
                    .setParameter("me", instance).setParameter("verifying", CardStatus.VERIFYING.name())
                    .setParameter("lease", until(now)).setParameter("now", now).setParameter("id", requestId)
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
            inFlight.settle(requestId, signal);
            return false;
        }
        inFlight.hold(exchange, requestId, signal);
        exchange.setProperty(CardExchange.REQUEST_ID, row.getRequestId());
        exchange.setProperty(CardExchange.REQUEST, LedgerRows.request(row.getRequestJson()));
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

    /**
     * Of the rows in flight that this process does not hold (the recovery sweep reads them with
     * {@link CardRequestEntity#IN_FLIGHT_OF_OTHERS}), the request ids a process that is gone left
     * SENDING or VERIFYING. A pure read: each is taken only by {@link #adopt(Exchange, String)}.
     */
    public List<String> orphans(List<CardRequestEntity> inFlightOfOthers) {
        return inFlightOfOthers.stream().filter(this::adoptable).map(CardRequestEntity::getRequestId).toList();
    }

    /** Adopts one orphan for the recovery sweep; false when a channel got to it first, it settled, or its owner lives. */
    public boolean adopt(Exchange exchange, String requestId) throws JsonProcessingException {
        CardRequestEntity row = LedgerRows.find(database, requestId);
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
        Instant now = LedgerRows.now(clock);
        return writes.write(session -> session.createMutationQuery("update CardRequestEntity r set r.leaseUntil = :lease "
                        + "where r.owner = :me and r.status in :inFlight")
                .setParameter("lease", until(now)).setParameter("me", instance)
                .setParameter("inFlight", CardStatus.IN_FLIGHT).executeUpdate());
    }

    /**
     * Before a request is sent again (a redelivery): confirms this process still holds it, renewing
     * its lease; throws {@link LeaseLostException} when another instance adopted it meanwhile.
     */
    public void confirmHeld(Exchange exchange) {
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        Instant now = LedgerRows.now(clock);
        int held = writes.write(session -> session.createMutationQuery("update CardRequestEntity r set r.leaseUntil = :lease "
                        + "where r.requestId = :id and r.owner = :me and r.status in :inFlight")
                .setParameter("lease", until(now)).setParameter("id", requestId).setParameter("me", instance)
                .setParameter("inFlight", CardStatus.IN_FLIGHT).executeUpdate());
        if (held != 1) {
            throw new LeaseLostException(requestId);
        }
    }

    /**
     * Commits the status (SENDING before a send, VERIFYING once an answer was lost) with the reason,
     * as a compare-and-set on this process holding the request in flight; throws
     * {@link LeaseLostException} when it does not. VERIFYING also notes when, so that only a card
     * search started later can settle the request.
     */
    public void mark(Exchange exchange, String status, String reason) {
        Instant now = LedgerRows.now(clock);
        if (CardStatus.VERIFYING.name().equals(status)) {
            exchange.setProperty(CardExchange.FAILED_AT, now);
        }
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        int attempts = exchange.getProperty(CardExchange.ATTEMPTS, 0, Integer.class);
        int marked = writes.write(session -> session.createMutationQuery("update CardRequestEntity r set r.status = :status, "
                        + "r.error = :error, r.attempts = :attempts, r.updatedAt = :now, r.leaseUntil = :lease "
                        + "where r.requestId = :id and r.owner = :me and r.status in :inFlight")
                .setParameter("status", status).setParameter("error", clip(reason))
                .setParameter("attempts", attempts).setParameter("now", now).setParameter("lease", until(now))
                .setParameter("me", instance).setParameter("id", requestId)
                .setParameter("inFlight", CardStatus.IN_FLIGHT).executeUpdate());
        if (marked != 1) {
            throw new LeaseLostException(requestId);
        }
    }
}
