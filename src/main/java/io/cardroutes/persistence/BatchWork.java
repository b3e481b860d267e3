package io.cardroutes.persistence;

import java.time.Clock;

import io.cardroutes.ExceptionClasses;
import io.cardroutes.pipeline.BatchUnfinishedException;
import io.cardroutes.pipeline.CardStatus;
import jakarta.persistence.EntityManager;
import org.apache.camel.Exchange;

/**
 * The database side of a queued batch (routes/batch-work.camel.yaml): which of its requests a run
 * already settled, whether it is finished (DONE), and why it cannot be (STUCK). The batch's work
 * message stays on the broker until {@link #finish} finds nothing left to settle.
 */
public class BatchWork {

    static final String OPEN = "OPEN";
    static final String DONE = "DONE";
    static final String STUCK = "STUCK";
    /** What {@link #begin} answers for a work message whose batch the database does not hold. */
    static final String UNKNOWN = "UNKNOWN";

    private final Database database;
    private final GroupCommit writes;
    private final Clock clock;

    public BatchWork(Database database, GroupCommit writes, Clock clock) {
        this.database = database;
        this.writes = writes;
        this.clock = clock;
    }

    /**
     * The batch's status as a run starts: OPEN to run it, DONE (finished, its message left over) or
     * UNKNOWN. A STUCK batch whose message an operator put back on the queue is OPEN again.
     */
    public String begin(String batchId) {
        return Transactions.inTransaction(database.emf(), em -> {
            BatchEntity batch = batchId == null ? null : em.find(BatchEntity.class, batchId);
            if (batch == null) {
                return UNKNOWN;
            }
            if (STUCK.equals(batch.getStatus())) {
                batch.setStatus(OPEN);
                batch.setReason(null);
            }
            return batch.getStatus();
        });
    }

    /** True unless an earlier run recorded a settled outcome (not SENDING or VERIFYING) for the batch's n-th request. */
    public boolean unsettled(String batchId, int seq) {
        EntityManager em = database.emf().createEntityManager();
        try {
            BatchItemEntity item = em.find(BatchItemEntity.class, new BatchItemEntity.Key(batchId, seq));
            return item == null || CardStatus.IN_FLIGHT.contains(item.getStatus());
        } finally {
            em.close();
        }
    }

    /**
     * Once every outcome recorded so far is committed: how many of the batch's requests have no settled
     * outcome yet. None left marks the batch DONE.
     */
    public int finish(String batchId) {
        writes.flush();
        return Transactions.inTransaction(database.emf(), em -> {
            BatchEntity batch = em.find(BatchEntity.class, batchId);
            long settled = em.createQuery("select count(i) from BatchItemEntity i where i.key.batchId = :b "
                    + "and i.status not in :inFlight", Long.class)
                    .setParameter("b", batchId).setParameter("inFlight", CardStatus.IN_FLIGHT).getSingleResult();
            int left = (int) Math.max(0, batch.getTotal() - settled);
            if (left == 0 && !DONE.equals(batch.getStatus())) {
                batch.setStatus(DONE);
                batch.setReason(null);
                batch.setCompletedAt(clock.instant());
            }
            return left;
        });
    }

    /** Marks the batch STUCK with the reason its status shows. */
    public void stuck(String batchId, String reason) {
        if (batchId == null) {
            return;
        }
        Transactions.inTransaction(database.emf(), em -> {
            BatchEntity batch = em.find(BatchEntity.class, batchId);
            if (batch != null && !DONE.equals(batch.getStatus())) {
                batch.setStatus(STUCK);
                batch.setReason(reason == null || reason.length() <= 1000 ? reason : reason.substring(0, 997) + "...");
            }
        });
    }

    /** The broker did not take an accepted batch: STUCK, and nothing of it runs. */
    public void notQueued(String batchId, Throwable failure) {
        stuck(batchId, "never queued: the broker did not take it (" + ExceptionClasses.of(failure)
                + "); nothing of it was sent and the call answered 500");
    }

    /**
     * Why the latest run failed, fit for the batch's status and the DLQ: the run's own account of
     * unsettled requests, else only the classes of the failure (a database driver quotes the row).
     */
    public String why(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return caught instanceof BatchUnfinishedException ? caught.getMessage()
                : "a run failed: " + ExceptionClasses.of(caught);
    }
}
