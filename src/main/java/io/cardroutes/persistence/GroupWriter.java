package io.cardroutes.persistence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.cardroutes.ExceptionClasses;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.hibernate.StatelessSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GroupCommit}'s writer thread: takes what queued up (at most {@code maxGroup} writes), commits it
 * in one transaction, runs a failed group's writes again one transaction each, and stops for good on an
 * {@link Error}, failing the group and the queue. Counts commits and writes and records the group-commit
 * meters.
 */
final class GroupWriter implements Runnable {

    /** GroupCommit's category, as before the writer had a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** Put on the queue by a stop: the writer ends once it reaches it. */
    static final WriteUnit<Object> STOP = new WriteUnit<>(em -> null);

    private final Database database;
    private final BlockingQueue<WriteUnit<?>> queue;
    private final int maxGroup;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final DistributionSummary groupSizes;
    private final Timer waits;
    private volatile Thread thread;
    private volatile String brokenBy;

    GroupWriter(Database database, BlockingQueue<WriteUnit<?>> queue, int maxGroup, MeterRegistry meters) {
        this.groupSizes = DistributionSummary.builder("cardroutes.db.group.commit.size")
                .description("Writes committed together in one transaction").register(meters);
        this.waits = Timer.builder("cardroutes.db.group.commit.wait")
                .description("From a write's queueing to its commit").register(meters);
        this.database = database;
        this.queue = queue;
        this.maxGroup = Math.max(1, maxGroup);
    }

    /** Writes committed so far (a failed group's writes count once each). */
    long writes() {
        return writes.get();
    }

    /** Transactions committed so far. */
    long commits() {
        return commits.get();
    }

    /** The thread the writer runs on, once it started. */
    Thread thread() {
        return thread;
    }

    /** What stopped the writer for good, or null while it has not. */
    String brokenBy() {
        return brokenBy;
    }

    IllegalStateException stoppedError() {
        return new IllegalStateException("the ledger writer stopped: " + brokenBy
                + "; nothing is written until a restart");
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        List<WriteUnit<?>> group = new ArrayList<>(maxGroup);
        try {
            boolean stop = false;
            while (!stop) {
                group.add(queue.take());
                queue.drainTo(group, maxGroup - 1);
                stop = group.remove(STOP);
                if (!group.isEmpty()) {
                    groupSizes.record(group.size());
                }
                try {
                    commit(group);
                } catch (RuntimeException e) {
                    // a rollback or close failed: whether the group reached the database is not known
                    LOG.error("The ledger writer lost a group of {} writes ({}); their callers get the error, "
                            + "the writer goes on", group.size(), describe(e));
                    failAll(group, () -> new IllegalStateException("the ledger writer could not finish this write's "
                            + "group (" + describe(e) + "); it may or may not be committed", e));
                }
                long now = System.nanoTime();
                group.forEach(unit -> waits.record(now - unit.queuedAt, TimeUnit.NANOSECONDS));
                group.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // forced shutdown: doStop writes what is still queued
        } catch (Throwable e) {
            giveUp(e, group);
        }
    }

    /** After an Error: fails the group and everything queued, and every later write at once. */
    private void giveUp(Throwable e, List<WriteUnit<?>> group) {
        brokenBy = describe(e);
        LOG.error("The ledger writer stopped ({}): every claim and outcome fails from now on; restart the bundle",
                brokenBy);
        failAll(group, this::stoppedError);
        List<WriteUnit<?>> left = new ArrayList<>();
        queue.drainTo(left);
        left.remove(STOP);
        failAll(left, this::stoppedError);
    }

    private static void failAll(List<WriteUnit<?>> units, Supplier<RuntimeException> failure) {
        units.forEach(unit -> unit.fail(failure.get())); // those already committed or failed keep their outcome
    }

    /** Class and message only: an exception's stack or causes may carry the values of a statement. */
    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getClass().getName() + ": " + e.getMessage();
    }

    /** Commits the group; an {@link Error} from any unit's work escapes to {@link #run}, which stops. */
    private void commit(List<WriteUnit<?>> group) {
        if (group.isEmpty()) {
            return;
        }
        if (group.size() == 1) {
            runAlone(group.get(0));
            return;
        }
        List<Object> results = new ArrayList<>(group.size());
        StatelessSession session = null;
        try {
            session = database.sessions().openStatelessSession();
            session.beginTransaction();
            for (WriteUnit<?> unit : group) {
                results.add(unit.work.apply(session));
            }
            session.getTransaction().commit();
        } catch (RuntimeException e) {
            LOG.debug("A group of {} writes failed ({}); writing them one by one", group.size(), ExceptionClasses.of(e));
            results = null;
        } finally {
            if (session != null) {
                rollbackIfActive(session);
                session.close();
            }
        }
        if (results != null) {
            count(group.size());
        }
        for (int i = 0; i < group.size(); i++) {
            if (results == null) {
                runAlone(group.get(i));
            } else {
                group.get(i).complete(results.get(i));
            }
        }
    }

    private void runAlone(WriteUnit<?> unit) {
        Throwable failure = unit.runOnWriter(database);
        if (failure == null) {
            count(1);
        } else if (failure instanceof Error error) {
            throw error;
        }
    }

    private void count(int committed) {
        commits.incrementAndGet();
        writes.addAndGet(committed);
    }

    private static void rollbackIfActive(StatelessSession session) {
        if (session.getTransaction().isActive()) {
            session.getTransaction().rollback();
        }
    }
}
