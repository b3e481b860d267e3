package io.cardroutes.persistence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.cardroutes.ExceptionClasses;
import org.apache.camel.CamelContext;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.apache.camel.support.service.ServiceSupport;
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
 */
public final class GroupCommit extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private final Database database;
    private final CamelContext context;
    private final int maxGroup;
    private static final Unit<Object> STOP = new Unit<>(em -> null);

    private final BlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean accepting;
    private ExecutorService writer;
    private volatile Thread writerThread;

    public GroupCommit(Database database, CamelContext context, int maxGroup) {
        this.database = database;
        this.context = context;
        this.maxGroup = Math.max(1, maxGroup);
    }

    /**
     * Runs {@code work} in a committed transaction shared with other waiting writers; returns its
     * result. The work gets a stateless session: no persistence context to check at commit, and an
     * insert or update is just that statement, with no read before it.
     */
    public <T> T write(Function<StatelessSession, T> work) {
        return join(submit(work));
    }

    /**
     * Queues {@code work} for the next group and returns at once; the future completes once it is
     * committed (or failed). For writes nobody has to wait for: outcomes, whose loss in a crash leaves
     * the request in flight for the start-up recovery to settle.
     */
    public <T> CompletableFuture<T> submit(Function<StatelessSession, T> work) {
        Unit<T> unit = new Unit<>(work);
        if (!accepting || Thread.currentThread() == writerThread) {
            unit.run(database); // not started, stopped, or a write from inside a write: in its own transaction
            return unit.done;
        }
        queue.add(unit);
        if (!accepting && queue.remove(unit)) {
            unit.run(database); // stopped meanwhile: nobody will take it
        }
        return unit.done;
    }

    /** Returns once every write queued before this call is committed (or failed): read your writes. */
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

    @Override
    protected void doStart() {
        accepting = true;
        writer = context.getExecutorServiceManager().newSingleThreadExecutor(this, "ledger-writer");
        writer.execute(this::drain);
    }

    @Override
    protected void doStop() {
        accepting = false;
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
        boolean stop = false;
        while (!stop) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // forced shutdown: doStop writes what is still queued
            }
            queue.drainTo(group, maxGroup - 1);
            stop = group.remove(STOP);
            if (!group.isEmpty()) {
                commit(group);
            }
            group.clear();
        }
    }

    private void commit(List<Unit<?>> group) {
        if (group.size() == 1) {
            if (group.get(0).run(database)) {
                count(1);
            }
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
                if (group.get(i).run(database)) {
                    count(1);
                }
            } else {
                group.get(i).complete(results.get(i));
            }
        }
    }

    private void count(int committed) {
        commits.incrementAndGet();
        writes.addAndGet(committed);
    }

    /** One unit of work in a transaction of its own. */
    private static <T> T alone(SessionFactory sessions, Function<StatelessSession, T> work) {
        StatelessSession session = sessions.openStatelessSession();
        try {
            session.beginTransaction();
            T result = work.apply(session);
            session.getTransaction().commit();
            return result;
        } finally {
            rollbackIfActive(session);
            session.close();
        }
    }

    private static void rollbackIfActive(StatelessSession session) {
        if (session.getTransaction().isActive()) {
            session.getTransaction().rollback();
        }
    }

    /** The write's result once it is committed; its own exception if it failed. Waits out interrupts. */
    private static <T> T join(CompletableFuture<T> done) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return done.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the write is queued: its outcome must still be known
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

        Unit(Function<StatelessSession, T> work) {
            this.work = work;
        }

        /** In a transaction of its own: a lone unit, a failed group's units, shutdown, writes outside the writer. */
        boolean run(Database database) {
            try {
                return done.complete(alone(database.sessions(), work));
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
                return false;
            }
        }

        @SuppressWarnings("unchecked")
        void complete(Object result) {
            done.complete((T) result);
        }
    }
}
