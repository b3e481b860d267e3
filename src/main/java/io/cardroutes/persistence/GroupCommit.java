package io.cardroutes.persistence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.hibernate.StatelessSession;

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
 *
 * <p>This class is the callers' side: queueing, waiting, start and stop, health. The writer thread's
 * side (grouping, committing, stopping on an Error) is {@link GroupWriter}; one write is a {@link WriteUnit}.
 */
public final class GroupCommit extends ServiceSupport {

    private final Database database;
    private final CamelContext context;
    private final Duration timeout;
    private final LedgerWriterHealthCheck health = new LedgerWriterHealthCheck(this);

    private final BlockingQueue<WriteUnit<?>> queue = new LinkedBlockingQueue<>();
    private final GroupWriter writer;
    private volatile boolean accepting;
    private ExecutorService writerThreads;

    /** {@code timeout}: how long {@link #write} and {@link #flush} wait for the commit (app.db.write-timeout-ms). */
    public GroupCommit(Database database, CamelContext context, int maxGroup, Duration timeout) {
        this(database, context, maxGroup, timeout, new SimpleMeterRegistry());
    }

    public GroupCommit(Database database, CamelContext context, int maxGroup, Duration timeout, MeterRegistry meters) {
        this.writer = new GroupWriter(database, queue, maxGroup, meters);
        this.database = database;
        this.context = context;
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
        WriteUnit<T> unit = new WriteUnit<>(work);
        return enqueue(unit).await(timeout, queue);
    }

    /**
     * Queues {@code work} for the next group and returns at once; the future completes once it is
     * committed (or failed). For writes nobody has to wait for: outcomes, whose loss in a crash leaves
     * the request in flight for the start-up recovery to settle.
     */
    public <T> CompletableFuture<T> submit(Function<StatelessSession, T> work) {
        return enqueue(new WriteUnit<>(work)).done;
    }

    private <T> WriteUnit<T> enqueue(WriteUnit<T> unit) {
        if (writer.brokenBy() != null) {
            unit.fail(writer.stoppedError());
            return unit;
        }
        if (!accepting || Thread.currentThread() == writer.thread()) {
            unit.run(database); // not started, stopped, or a write from inside a write: in its own transaction
            return unit;
        }
        queue.add(unit);
        if (writer.brokenBy() != null && queue.remove(unit)) {
            unit.fail(writer.stoppedError()); // the writer stopped meanwhile and failed the queue before this arrived
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
        return writer.writes();
    }

    /** Transactions the writer committed so far: {@code writes() / commits()} is the mean group size. */
    public long commits() {
        return writer.commits();
    }

    /** Writes waiting for the writer right now. */
    int waiting() {
        return queue.size();
    }

    /** Why the writer cannot commit, or null while it can (or before it started, or after a stop). */
    public String trouble() {
        String brokenBy = writer.brokenBy();
        if (brokenBy != null) {
            return "the ledger writer stopped: " + brokenBy;
        }
        Thread thread = writer.thread();
        if (accepting && thread != null && !thread.isAlive()) {
            return "the ledger-writer thread is gone";
        }
        return null;
    }

    @Override
    protected void doStart() {
        accepting = true;
        writerThreads = context.getExecutorServiceManager().newSingleThreadExecutor(this, "ledger-writer");
        writerThreads.execute(writer);
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
        if (writerThreads != null) {
            // no interrupt: an interrupted H2 write closes the database file; the writer ends at the marker
            queue.add(GroupWriter.STOP);
            context.getExecutorServiceManager().shutdownGraceful(writerThreads);
            writerThreads = null;
        }
        List<WriteUnit<?>> left = new ArrayList<>();
        queue.drainTo(left);
        left.remove(GroupWriter.STOP);
        left.forEach(unit -> unit.run(database));
    }
}
