package io.cardroutes.persistence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import io.cardroutes.ExceptionClasses;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the ledgers' writes on the request path (claims and outcomes). A pipeline thread
 * hands its unit of work over and waits until it is committed; one writer thread runs every unit
 * that queued up meanwhile in one transaction. A durable commit (H2 with {@code WRITE_DELAY=0},
 * PostgreSQL's WAL flush) costs about the same for one row as for fifty, so sixteen pipelines that
 * wait on one commit each pay a sixteenth of it, and still none returns before its write is durable:
 * the claim-before-send guarantee is unchanged. A unit that fails takes only itself down: the group
 * is rolled back and its units run again, one transaction each, so the failure reaches its own caller.
 *
 * <p>The writer never dies silently. An exception that escapes a group (a rollback or close that
 * fails) fails that group's callers and the writer goes on with the next group. An {@link Error}
 * (out of memory, stack overflow) leaves this JVM unfit to commit anything more: the writer stops,
 * fails that group and every queued write, and from then on every write fails at once with "the ledger
 * writer stopped". Its health check ({@link LedgerWriterHealthCheck}) is then DOWN, and no request is
 * sent, since none gets its claim committed.
 *
 * <p>Measured in {@code cardroutes_db_group_commit_size} (writes per group) and
 * {@code cardroutes_db_group_commit_wait_seconds} (from a write's queueing to its commit or failure).
 */
public final class GroupCommit extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private final Database database;
    private final CamelContext context;
    private final int maxGroup;
    private final Duration timeout;
    private final LedgerWriterHealthCheck health = new LedgerWriterHealthCheck(this);
    private static final Unit<Object> STOP = new Unit<>(em -> null);

    private final BlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean accepting;
    private ExecutorService writer;
    private volatile Thread writerThread;
    private volatile String brokenBy;
    private final DistributionSummary groupSizes;
    private final Timer waits;

    /** {@code timeout}: how long {@link #write} and {@link #flush} wait for the commit (app.db.write-timeout-ms). */
    public GroupCommit(Database database, CamelContext context, int maxGroup, Duration timeout) {
        this(database, context, maxGroup, timeout, new SimpleMeterRegistry());
    }

    public GroupCommit(Database database, CamelContext context, int maxGroup, Duration timeout, MeterRegistry meters) {
        this.groupSizes = DistributionSummary.builder("cardroutes.db.group.commit.size")
                .description("Writes committed together in one transaction").register(meters);
        this.waits = Timer.builder("cardroutes.db.group.commit.wait")
                .description("From a write's queueing to its commit").register(meters);
        this.database = database;
        this.context = context;
        this.maxGroup = Math.max(1, maxGroup);
        this.timeout = timeout;
    }

    /**
     * Runs {@code work} in a committed transaction shared with other waiting writers; returns its
     * result. The work gets a stateless session: no persistence context to check at commit, and an
     * insert or update is just that statement, with no read before it.
     *
     * <p>Waits at most the write timeout. A write the writer has not taken by then is withdrawn and
     * fails as not written. One it has taken fails its caller too, but <b>may still be committed
     * later</b>: the caller must treat it as unknown (a claim that failed is never followed by a send;
     * its FAILED outcome, queued after it, is written after it). Once the writer has stopped, fails at
     * once.
     */
    public <T> T write(Function<StatelessSession, T> work) {
        Unit<T> unit = new Unit<>(work);
        return await(enqueue(unit));
    }

    /**
     * Queues {@code work} for the next group and returns at once; the future completes once it is
     * committed (or failed). For writes nobody has to wait for: outcomes, whose loss in a crash leaves
     * the request in flight for the start-up recovery to settle.
     */
    public <T> CompletableFuture<T> submit(Function<StatelessSession, T> work) {
        return enqueue(new Unit<>(work)).done;
    }

    private <T> Unit<T> enqueue(Unit<T> unit) {
        if (brokenBy != null) {
            unit.fail(stoppedError());
            return unit;
        }
        if (!accepting || Thread.currentThread() == writerThread) {
            unit.run(database); // not started, stopped, or a write from inside a write: in its own transaction
            return unit;
        }
        queue.add(unit);
        if (brokenBy != null && queue.remove(unit)) {
            unit.fail(stoppedError()); // the writer stopped meanwhile and failed the queue before this arrived
        } else if (!accepting && queue.remove(unit)) {
            unit.run(database); // stopped meanwhile: nobody will take it
        }
        return unit;
    }

    /**
     * Returns once every write queued before this call is committed (or failed): read your writes.
     * Bounded like {@link #write}.
     */
    public void flush() {
        write(session -> null);
    }

    /** Writes committed so far through the writer (a failed group's writes count once each). */
    public long writes() {
        return writes.get();
    }

    /** Transactions the writer committed so far: {@code writes() / commits()} is the mean group size. */
    public long commits() {
        return commits.get();
    }

    /** Writes waiting for the writer right now. */
    int waiting() {
        return queue.size();
    }

    /** Why the writer cannot commit, or null while it can (or before it started, or after a stop). */
    public String trouble() {
        if (brokenBy != null) {
            return "the ledger writer stopped: " + brokenBy;
        }
        Thread thread = writerThread;
        if (accepting && thread != null && !thread.isAlive()) {
            return "the ledger-writer thread is gone";
        }
        return null;
    }

    @Override
    protected void doStart() {
        accepting = true;
        writer = context.getExecutorServiceManager().newSingleThreadExecutor(this, "ledger-writer");
        writer.execute(this::drain);
        HealthCheckRegistry checks = HealthCheckRegistry.get(context);
        if (checks != null) {
            checks.register(health);
        }
    }

    @Override
    protected void doStop() {
        accepting = false;
        HealthCheckRegistry checks = HealthCheckRegistry.get(context);
        if (checks != null) {
            checks.unregister(health);
        }
        if (writer != null) {
            // no interrupt: an interrupted H2 write closes the database file; the writer ends at the marker
            queue.add(STOP);
            context.getExecutorServiceManager().shutdownGraceful(writer);
            writer = null;
        }
        List<Unit<?>> left = new ArrayList<>();
        queue.drainTo(left);
        left.remove(STOP);
        left.forEach(unit -> unit.run(database));
    }

    private void drain() {
        writerThread = Thread.currentThread();
        List<Unit<?>> group = new ArrayList<>(maxGroup);
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
    private void giveUp(Throwable e, List<Unit<?>> group) {
        brokenBy = describe(e);
        LOG.error("The ledger writer stopped ({}): every claim and outcome fails from now on; restart the bundle",
                brokenBy);
        failAll(group, this::stoppedError);
        List<Unit<?>> left = new ArrayList<>();
        queue.drainTo(left);
        left.remove(STOP);
        failAll(left, this::stoppedError);
    }

    private IllegalStateException stoppedError() {
        return new IllegalStateException("the ledger writer stopped: " + brokenBy
                + "; nothing is written until a restart");
    }

    private static void failAll(List<Unit<?>> units, Supplier<RuntimeException> failure) {
        units.forEach(unit -> unit.fail(failure.get())); // those already committed or failed keep their outcome
    }

    /** Class and message only: an exception's stack or causes may carry the values of a statement. */
    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getClass().getName() + ": " + e.getMessage();
    }

    /** Commits the group; an {@link Error} from any unit's work escapes to {@link #drain}, which stops. */
    private void commit(List<Unit<?>> group) {
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
            for (Unit<?> unit : group) {
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

    private void runAlone(Unit<?> unit) {
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

    /** One unit of work in a transaction of its own. */
    private static <T> T alone(SessionFactory sessions, Function<StatelessSession, T> work) {
        return Transactions.alone(sessions.openStatelessSession(), work);
    }

    private static void rollbackIfActive(StatelessSession session) {
        if (session.getTransaction().isActive()) {
            session.getTransaction().rollback();
        }
    }

    /**
     * The write's result once it is committed; its own exception if it failed. Waits out interrupts
     * (the write is queued: its outcome must still be known), but not beyond the timeout.
     */
    private <T> T await(Unit<T> unit) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return unit.done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    if (queue.remove(unit)) {
                        throw new IllegalStateException("the ledger writer did not take this write within "
                                + timeout.toMillis() + " ms; it was withdrawn, not written");
                    }
                    if (!unit.done.isDone()) {
                        throw new IllegalStateException("the ledger writer did not commit this write within "
                                + timeout.toMillis() + " ms; it may still be committed later: its outcome is unknown");
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Unit<T> {
        private final Function<StatelessSession, T> work;
        private final CompletableFuture<T> done = new CompletableFuture<>();
        private final long queuedAt = System.nanoTime();

        Unit(Function<StatelessSession, T> work) {
            this.work = work;
        }

        /**
         * In a transaction of its own: a lone unit, a failed group's units, shutdown, writes outside
         * the writer. Returns its failure, null once committed.
         */
        Throwable run(Database database) {
            try {
                done.complete(alone(database.sessions(), work));
                return null;
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
                return e;
            }
        }

        /**
         * On the writer: like {@link #run}, but an Error leaves the unit open, so that it fails only once
         * the writer has marked itself stopped (its caller then sees the health check DOWN, not UP).
         */
        Throwable runOnWriter(Database database) {
            try {
                done.complete(alone(database.sessions(), work));
                return null;
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return e;
            } catch (Error e) {
                return e;
            }
        }

        void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @SuppressWarnings("unchecked")
        void complete(Object result) {
            done.complete((T) result);
        }
    }
}
