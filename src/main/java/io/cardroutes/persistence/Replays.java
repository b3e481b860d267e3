package io.cardroutes.persistence;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardStatus;
import org.apache.camel.Exchange;

/**
 * Retries of FAILED requests (the {@code replay} routes): the request the ledger stored is sent again
 * under its own requestId, so a retry can never make a second card. Only FAILED is taken, and FAILED
 * means that no card can exist ({@code Outcomes.failed} turns every failure after a Create call that
 * may have reached EnKash into NEEDS_REVIEW). Taking it is a compare-and-set from the FAILED row as
 * read to SENDING held by this instance, like a claim: of two retries (or a retry and the same request
 * sent again) at the same time, one wins and the other is refused as in flight.
 */
public class Replays {

    private static final String TAKEN = "another retry or a copy of the request is taking it right now; ask for its "
            + "outcome later";

    private final Database database;
    private final GroupCommit writes;
    private final Clock clock;
    private final InFlight inFlight;
    private final Leases leases;

    public Replays(Database database, GroupCommit writes, Clock clock, InFlight inFlight, Leases leases) {
        this.database = database;
        this.writes = writes;
        this.clock = clock;
        this.inFlight = inFlight;
        this.leases = leases;
    }

    /**
     * Takes the FAILED request named by {@code cardRequestId} for sending again and prepares the
     * exchange as a claim does (the stored request, its channel and source); null once taken. Anything
     * else comes back as the refusal, with its reason. The request's row is the one the route read
     * ({@code cardReplayRow}, none when there is no such request) after the outcomes recorded so far were
     * committed; the take is a compare-and-set on exactly that row.
     */
    public ReplayRefusal claim(Exchange exchange) throws JsonProcessingException {
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        CardRequestEntity row = exchange.getProperty(CardExchange.REPLAY_ROW, CardRequestEntity.class);
        if (row == null) {
            return new ReplayRefusal(requestId, null, "no card request with this requestId was recorded", null);
        }
        String why = notRetryable(row);
        if (why != null) {
            return refusal(row, why);
        }
        Map<String, Object> request = LedgerRows.request(row.getRequestJson());
        CompletableFuture<Void> signal = new CompletableFuture<>();
        // before the commit, so a copy of the request that reads the row waits on it; and one taker in this process
        if (!inFlight.putIfAbsent(requestId, signal)) {
            return refusal(row, TAKEN);
        }
        Instant now = LedgerRows.now(clock);
        int taken;
        try {
            taken = writes.write(session -> session.createMutationQuery("update CardRequestEntity r set "
                            + "r.status = :sending, r.owner = :me, r.leaseUntil = :lease, r.claimedAt = :now, "
                            + "r.error = null, r.updatedAt = :now where r.requestId = :id and r.status = :failed "
                            + "and r.updatedAt = :oldUpdated")
                    .setParameter("sending", CardStatus.SENDING.name()).setParameter("me", leases.instance())
                    .setParameter("lease", leases.until(now)).setParameter("now", now).setParameter("id", requestId)
                    .setParameter("failed", CardStatus.FAILED.name()).setParameter("oldUpdated", row.getUpdatedAt())
                    .executeUpdate());
        } catch (RuntimeException unknown) {
            inFlight.settle(requestId, signal);
            throw unknown;
        }
        if (taken != 1) {
            inFlight.settle(requestId, signal);
            CardRequestEntity current = LedgerRows.find(database, requestId);
            if (current == null) {
                current = row;
            }
            String again = notRetryable(current);
            return refusal(current, again != null ? again : TAKEN);
        }
        inFlight.hold(exchange, requestId, signal);
        exchange.setProperty(CardExchange.REQUEST, request);
        exchange.setProperty(CardExchange.REQUEST_JSON, row.getRequestJson());
        exchange.setProperty(CardExchange.REQUEST_HASH, row.getRequestHash());
        exchange.setProperty(CardExchange.CHANNEL, row.getChannel());
        exchange.setProperty(CardExchange.SOURCE, row.getSource());
        exchange.setProperty(CardExchange.CLAIMED_AT, row.getCreatedAt());
        exchange.setProperty(CardExchange.SENT_AFTER, now);
        // attempts go on counting: the outcome tells every Create call made for the request
        exchange.setProperty(CardExchange.ATTEMPTS, row.getAttempts());
        return null;
    }

    /** Why a stored request is not sent again, or null when it may be (FAILED, with its request stored). */
    static String notRetryable(CardRequestEntity row) {
        String status = row.getStatus();
        if (CardStatus.IN_FLIGHT.contains(status)) {
            return inFlightReason(status);
        }
        return switch (CardStatus.valueOf(status)) {
            case CREATED -> "it is CREATED (card " + row.getEnkashCardId() + "): sending it again would make a second card";
            case NEEDS_REVIEW -> "it NEEDS_REVIEW: EnKash may have made its card, so a person checks in EnKash and "
                    + "settles it; it is never sent again automatically";
            case REJECTED -> "it was REJECTED (invalid, or refused by EnKash): sent unchanged it is refused again; "
                    + "send the corrected request with the same requestId";
            case FAILED -> row.getRequestJson() == null
                    ? "nothing of the request was stored to send again; send the request itself again" : null;
            default -> inFlightReason(status);
        };
    }

    private static String inFlightReason(String status) {
        return "it is " + status + ": being handled right now; ask for its outcome later";
    }

    private static ReplayRefusal refusal(CardRequestEntity row, String reason) {
        return new ReplayRefusal(row.getRequestId(), row.getStatus(), reason, OutcomeWriter.outcomeOf(row, true));
    }
}
