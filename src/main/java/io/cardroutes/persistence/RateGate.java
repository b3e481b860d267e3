package io.cardroutes.persistence;

import static io.cardroutes.persistence.Transactions.inTransaction;

import jakarta.persistence.EntityManager;

/**
 * The turns of EnKash API calls, shared by every instance on the database (table {@code enkash_rate_gate},
 * one row). A call takes the next slot with one update that moves the row's {@code next_slot_ms} on by the
 * spacing the requests-per-second ceiling asks for; the update locks the row, so instances racing for slots
 * get distinct ones. Times are the database's clock (epoch milliseconds), and only the wait (a duration)
 * goes back to the instance: instances whose clocks disagree still space their calls correctly. A
 * Retry-After that any instance received is held in the same row ({@code paused_until_ms}); no slot is
 * handed out before it runs out.
 */
public final class RateGate {

    static final String ROW = "enkash-api";
    /** The database's clock in epoch milliseconds: the same expression works on PostgreSQL and H2. */
    private static final String NOW = "cast(extract(epoch from current_timestamp) * 1000 as bigint)";

    private final Database database;

    public RateGate(Database database) {
        this.database = database;
    }

    /** How long the caller waits for its slot, and how much longer than now a shared pause lasts (0: none). */
    /** How long to wait for the slot and how long the pause still runs (ms from now); the slot and the pause's end on the database's clock. */
    public record Turn(long waitMs, long pausedForMs, long slotMs, long pausedUntilMs) {
    }

    /** Takes the next slot, {@code spacingMs} after the one before and never inside a pause. */
    public Turn takeSlot(long spacingMs) {
        long[] row = updateAndRead("next_slot_ms = greatest(next_slot_ms, " + NOW + ", paused_until_ms) + :value",
                spacingMs);
        return new Turn(Math.max(0, row[0] - spacingMs - row[2]), Math.max(0, row[1] - row[2]), row[0] - spacingMs, row[1]);
    }

    /** Every instance pauses its calls for {@code ms} from now (a longer pause already held stays). */
    public long pause(long ms) {
        long[] row = updateAndRead("paused_until_ms = greatest(paused_until_ms, " + NOW + " + :value)", ms);
        return Math.max(0, row[1] - row[2]);
    }

    /** How much longer than now the shared pause lasts (0: none). */
    public long pausedForMs() {
        return inTransaction(database.emf(), em -> {
            long[] row = read(em);
            return Math.max(0, row[1] - row[2]);
        });
    }

    /** Sets one column of the row (locking it until the commit), then reads it back in the same transaction. */
    private long[] updateAndRead(String assignment, long value) {
        return inTransaction(database.emf(), em -> {
            em.createNativeQuery("update enkash_rate_gate set " + assignment + ", updated_at = current_timestamp "
                    + "where gate_id = :id").setParameter("value", value).setParameter("id", ROW).executeUpdate();
            return read(em);
        });
    }

    /** next_slot_ms, paused_until_ms and the database's now. */
    private static long[] read(EntityManager em) {
        Object[] row = (Object[]) em.createNativeQuery("select next_slot_ms, paused_until_ms, " + NOW
                + " from enkash_rate_gate where gate_id = :id").setParameter("id", ROW).getSingleResult();
        return new long[] {((Number) row[0]).longValue(), ((Number) row[1]).longValue(),
                ((Number) row[2]).longValue()};
    }
}
