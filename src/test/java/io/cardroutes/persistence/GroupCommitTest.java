package io.cardroutes.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.cardroutes.support.Waiting;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.hibernate.StatelessSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit on the bundle's real database setup (H2 file with WRITE_DELAY=0, the migrations,
 * the JPA mapping): writers that arrive together share one transaction, each returns only once its
 * row is committed, a write that fails fails only its own caller, and a writer that cannot go on
 * fails its callers at once and says so in its health check.
 */
class GroupCommitTest {

    private static final int WRITERS = 24;
    private static final Duration NO_HANG = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private String url;
    private HikariDataSource dataSource;
    private Database database;
    private DefaultCamelContext camel;
    private GroupCommit writes;
    private final ExecutorService threads = Executors.newFixedThreadPool(WRITERS);

    @BeforeEach
    void start() throws Exception {
        url = "jdbc:h2:file:" + dir.resolve("db/cards") + ";WRITE_DELAY=0";
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(url);
        dataSource.setUsername("sa");
        database = new Database(dataSource);
        database.start();
        database.awaitReady();
        camel = new DefaultCamelContext();
        camel.start();
        writes = new GroupCommit(database, camel, 64, NO_HANG);
        writes.start();
    }

    /** A writer of its own whose writes wait at most {@code timeout}. */
    private void restartWithTimeout(Duration timeout) {
        writes.stop();
        writes = new GroupCommit(database, camel, 64, timeout);
        writes.start();
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        writes.stop();
        camel.stop();
        database.stop();
    }

    @Test
    void writers_that_arrive_together_share_one_commit_and_each_returns_once_its_row_is_committed() throws Exception {
        HeldWrite first = holdWriter("B-0");
        List<Future<Boolean>> others = new ArrayList<>();
        for (int i = 1; i < WRITERS; i++) {
            String id = "B-" + i;
            others.add(threads.submit(() -> {
                writes.write(session -> insertBatch(session, id));
                return committed(id); // seen from another connection the moment write() returns
            }));
        }
        awaitQueued(WRITERS - 1);
        first.release().countDown();

        assertThat(first.write().get(10, TimeUnit.SECONDS)).isEqualTo("B-0");
        for (Future<Boolean> other : others) {
            assertThat(other.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(writes.writes()).isEqualTo(WRITERS);
        assertThat(writes.commits()).isEqualTo(2); // the held one, then all the others together
    }

    @Test
    void a_write_that_fails_fails_only_its_own_caller() throws Exception {
        writes.write(session -> insertBatch(session, "TAKEN"));
        HeldWrite first = holdWriter("FIRST");
        Future<String> good1 = threads.submit(() -> writes.write(session -> insertBatch(session, "GOOD-1")));
        Future<String> clash = threads.submit(() -> writes.write(session -> insertBatch(session, "TAKEN")));
        Future<String> good2 = threads.submit(() -> writes.write(session -> insertBatch(session, "GOOD-2")));
        awaitQueued(3);
        first.release().countDown();

        assertThat(first.write().get(10, TimeUnit.SECONDS)).isEqualTo("FIRST");
        assertThat(good1.get(10, TimeUnit.SECONDS)).isEqualTo("GOOD-1");
        assertThat(good2.get(10, TimeUnit.SECONDS)).isEqualTo("GOOD-2");
        assertThatThrownBy(() -> clash.get(10, TimeUnit.SECONDS)).rootCause()
                .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("TAKEN");
        assertThat(committed("GOOD-1")).isTrue();
        assertThat(committed("GOOD-2")).isTrue();
        assertThat(count()).isEqualTo(4); // TAKEN, FIRST, GOOD-1, GOOD-2
    }

    @Test
    void a_submitted_write_returns_at_once_and_is_committed_when_a_later_flush_returns() throws Exception {
        HeldWrite first = holdWriter("HELD");

        java.util.concurrent.CompletableFuture<String> submitted = writes.submit(session -> insertBatch(session, "LATER"));
        assertThat(submitted).isNotDone(); // the writer is busy: submit did not wait for it
        assertThat(committed("LATER")).isFalse();
        Future<?> flushed = threads.submit(writes::flush);
        first.release().countDown();
        flushed.get(10, TimeUnit.SECONDS);

        assertThat(committed("LATER")).isTrue();
        assertThat(submitted.get(1, TimeUnit.SECONDS)).isEqualTo("LATER");
        assertThat(first.write().get(10, TimeUnit.SECONDS)).isEqualTo("HELD");
    }

    @Test
    void a_later_write_in_the_same_group_sees_an_earlier_one() throws Exception {
        // what makes two claims of one requestId in one group safe: the second reads the first's row
        HeldWrite first = holdWriter("HOLD");
        Future<String> insert = threads.submit(() -> writes.write(session -> insertBatch(session, "SEEN")));
        awaitQueued(1);
        Future<Boolean> read = threads.submit(() -> writes.write(session -> session.get(BatchEntity.class, "SEEN") != null));
        awaitQueued(2);
        long commitsBefore = writes.commits();
        first.release().countDown();

        assertThat(insert.get(10, TimeUnit.SECONDS)).isEqualTo("SEEN");
        assertThat(read.get(10, TimeUnit.SECONDS)).isTrue();
        first.write().get(10, TimeUnit.SECONDS);
        assertThat(writes.commits() - commitsBefore).as("the insert and the read shared one commit").isEqualTo(2);
    }

    @Test
    void writes_after_stop_are_committed_by_their_caller() throws Exception {
        writes.stop();
        String written = writes.write(session -> insertBatch(session, "LATE"));
        assertThat(written).isEqualTo("LATE");
        assertThat(committed("LATE")).isTrue();
    }

    @Test
    void an_error_in_one_write_of_a_group_fails_the_whole_group_and_every_later_write_at_once() throws Exception {
        HeldWrite first = holdWriter("BEFORE");
        Future<String> good1 = threads.submit(() -> writes.write(session -> insertBatch(session, "GOOD-1")));
        Future<String> fatal = threads.submit(() -> writes.write(session -> {
            insertBatch(session, "FATAL");
            throw new StackOverflowError("deep in a unit");
        }));
        Future<String> good2 = threads.submit(() -> writes.write(session -> insertBatch(session, "GOOD-2")));
        awaitQueued(3);
        first.release().countDown();

        assertThat(first.write().get(10, TimeUnit.SECONDS)).isEqualTo("BEFORE");
        for (Future<String> caller : List.of(good1, fatal, good2)) {
            assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the ledger writer stopped: java.lang.StackOverflowError: deep in a unit");
        }
        assertThat(committed("GOOD-1") || committed("FATAL") || committed("GOOD-2")).as("the group rolled back").isFalse();

        assertTimeoutPreemptively(NO_HANG, () -> {
            assertThatThrownBy(() -> writes.write(session -> insertBatch(session, "AFTER")))
                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("the ledger writer stopped");
            assertThatThrownBy(writes::flush).hasMessageStartingWith("the ledger writer stopped");
            CompletableFuture<String> outcome = writes.submit(session -> insertBatch(session, "OUTCOME"));
            assertThat(outcome).isCompletedExceptionally();
        });
        assertThat(committed("AFTER") || committed("OUTCOME")).isFalse();
    }

    @Test
    void the_health_check_is_up_while_the_writer_works_and_down_with_the_reason_once_it_stopped() throws Exception {
        HealthCheck check = HealthCheckRegistry.get(camel).getCheck("ledger-writer").orElseThrow();
        assertThat(check.isReadiness()).isTrue();
        assertThat(check.isLiveness()).isTrue();
        writes.write(session -> insertBatch(session, "FINE"));
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);

        CompletableFuture<Object> fatal = writes.submit(session -> {
            throw new OutOfMemoryError("Java heap space");
        });
        assertThatThrownBy(() -> fatal.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

        HealthCheck.Result down = check.call();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValue("the ledger writer stopped: java.lang.OutOfMemoryError: Java heap space");
    }

    @Test
    void an_exception_that_escapes_a_group_fails_that_group_and_the_writer_goes_on() throws Exception {
        HeldWrite first = holdWriter("BEFORE");
        Future<String> good = threads.submit(() -> writes.write(session -> insertBatch(session, "GOOD")));
        Future<String> closer = threads.submit(() -> writes.write(session -> {
            session.close(); // the group's own rollback and close then fail too
            return "CLOSED";
        }));
        awaitQueued(2);
        first.release().countDown();

        assertThat(first.write().get(10, TimeUnit.SECONDS)).isEqualTo("BEFORE");
        assertThatThrownBy(() -> good.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closer.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(IllegalStateException.class);

        String after = writes.write(session -> insertBatch(session, "AFTER"));
        assertThat(after).isEqualTo("AFTER");
        assertThat(committed("AFTER")).isTrue();
        assertThat(writes.trouble()).isNull();
    }

    @Test
    void a_write_not_committed_within_the_timeout_fails_its_caller() throws Exception {
        restartWithTimeout(Duration.ofMillis(300));
        HeldWrite taken = holdWriter("TAKEN");
        Future<String> queued = threads.submit(() -> writes.write(session -> insertBatch(session, "QUEUED")));

        assertThatThrownBy(() -> taken.write().get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("within 300 ms; it may still be committed later");
        assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("within 300 ms; it was withdrawn, not written");

        taken.release().countDown();
        writes.stop(); // waits for the writer to finish what it took
        assertThat(committed("TAKEN")).as("a write the writer had taken is committed after its caller gave up").isTrue();
        assertThat(committed("QUEUED")).isFalse();
    }

    /** Returns once {@code n} writes wait behind the held one. */
    private void awaitQueued(int n) {
        Waiting.await(n + " writes queued").atMost(Duration.ofSeconds(10)).until(() -> writes.waiting() >= n);
    }

    /** A write that keeps the writer busy until {@code release} is counted down, so the next writes queue up. */
    private record HeldWrite(Future<String> write, CountDownLatch release) {
    }

    private HeldWrite holdWriter(String id) {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> write = threads.submit(() -> writes.write(session -> {
            writing.countDown();
            await(release);
            return insertBatch(session, id);
        }));
        await(writing);
        return new HeldWrite(write, release);
    }

    private static String insertBatch(StatelessSession session, String id) {
        BatchEntity batch = new BatchEntity();
        batch.setBatchId(id);
        batch.setChannel("TEST");
        batch.setStatus("OPEN");
        batch.setCreatedAt(Instant.now());
        session.insert(batch);
        return id;
    }

    private boolean committed(String id) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from card_batch where batch_id = '" + id + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    private long count() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from card_batch")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
