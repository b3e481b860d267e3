package io.cardroutes.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.CardOutcome;
import org.apache.camel.Exchange;
import org.apache.camel.component.jpa.JpaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several bundles on one database: in-flight requests are held under leases, every change of a
 * request's row is a compare-and-set, and a final outcome is never overwritten. Each "instance" is
 * a ledger with its own writer and clock on one shared H2 file database.
 */
class LedgerLeasesTest {

    private static final Duration LEASE = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private HikariDataSource dataSource;
    private Database database;
    private DefaultCamelContext camel;
    private final List<GroupCommit> writers = new ArrayList<>();
    private final Instant start = Instant.parse("2026-11-29T10:00:00Z");

    @BeforeEach
    void start() throws Exception {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:h2:file:" + dir.resolve("db/cards") + ";WRITE_DELAY=0");
        dataSource.setUsername("sa");
        database = new Database(dataSource);
        database.start();
        database.awaitReady();
        camel = new DefaultCamelContext();
        camel.addComponent("jpa", JpaReads.component(database));
        camel.start();
    }

    @AfterEach
    void stop() {
        writers.forEach(GroupCommit::stop);
        camel.stop();
        database.stop();
    }

    /** Hibernate no longer parses them at the start (Database: hibernate.query.startup_check), so the build does. */
    @Test
    void every_named_query_of_the_entities_compiles() {
        List<String> names = new ArrayList<>();
        for (Class<?> entity : List.of(CardRequestEntity.class, BatchEntity.class, BatchItemEntity.class)) {
            for (jakarta.persistence.NamedQuery query : entity.getAnnotationsByType(jakarta.persistence.NamedQuery.class)) {
                names.add(query.name());
            }
        }
        assertThat(names).hasSize(5);
        jakarta.persistence.EntityManager em = database.emf().createEntityManager();
        try {
            for (String name : names) {
                assertThat(em.createNamedQuery(name)).as(name).isNotNull();
            }
        } finally {
            em.close();
        }
    }

    @Test
    void a_live_instance_s_in_flight_request_is_never_adopted_by_another() throws Exception {
        Ledger a = ledger("host-a:8080", fixed(start));
        Ledger b = ledger("host-b:8080", fixed(start.plusSeconds(30)));
        assertThat(a.claims().claim(request("R-LIVE"))).isNull();

        assertThat(orphans(b)).doesNotContain("R-LIVE");
        assertThat(b.leases().adopt(new DefaultExchange(camel), "R-LIVE")).isFalse();
        CardOutcome replay = b.claims().claim(request("R-LIVE"));
        assertThat(replay.status()).isEqualTo("SENDING");
        assertThat(replay.replay()).isTrue();
        assertThat(a.find("R-LIVE").getOwner()).isEqualTo(a.leases().instance());
    }

    @Test
    void a_request_whose_lease_ran_out_is_adopted_by_one_instance_only() throws Exception {
        Ledger a = ledger("host-a:8080", fixed(start));
        assertThat(a.claims().claim(request("R-GONE"))).isNull();
        Clock later = fixed(start.plus(LEASE).plusSeconds(1));
        Ledger b = ledger("host-b:8080", later);
        Ledger c = ledger("host-c:8080", later);

        assertThat(orphans(b)).containsExactly("R-GONE");
        assertThat(b.leases().adopt(new DefaultExchange(camel), "R-GONE")).isTrue();
        assertThat(c.leases().adopt(new DefaultExchange(camel), "R-GONE")).as("B renewed the lease when it adopted").isFalse();
        assertThat(a.find("R-GONE").getOwner()).isEqualTo(b.leases().instance());
        assertThat(a.find("R-GONE").getStatus()).isEqualTo("VERIFYING");
    }

    @Test
    void a_renewed_lease_keeps_the_request_with_its_owner() throws Exception {
        AtomicReference<Instant> aNow = new AtomicReference<>(start);
        Ledger a = ledger("host-a:8080", ticking(aNow));
        assertThat(a.claims().claim(request("R-RENEW"))).isNull();
        aNow.set(start.plus(LEASE).minusSeconds(5));
        assertThat(a.leases().renewLeases()).isEqualTo(1);

        Ledger b = ledger("host-b:8080", fixed(start.plus(LEASE).plusSeconds(1)));
        assertThat(orphans(b)).isEmpty();
        assertThat(b.leases().adopt(new DefaultExchange(camel), "R-RENEW")).isFalse();
    }

    @Test
    void a_restarted_instance_adopts_its_previous_run_s_requests_at_once() throws Exception {
        Ledger before = ledger("host-a:8080", fixed(start));
        assertThat(before.claims().claim(request("R-RESTART"))).isNull();
        Ledger after = ledger("host-a:8080", fixed(start.plusSeconds(2)));

        assertThat(after.leases().instance()).isNotEqualTo(before.leases().instance());
        assertThat(orphans(after)).containsExactly("R-RESTART");
        Exchange adopted = new DefaultExchange(camel);
        assertThat(after.leases().adopt(adopted, "R-RESTART")).isTrue();
        assertThat(adopted.getProperty(CardExchange.VERIFY, Boolean.class)).isTrue();
        assertThat(adopted.getProperty(CardExchange.SENT_AFTER, Instant.class)).isEqualTo(start);
    }

    @Test
    void an_instance_that_lost_its_lease_can_neither_send_nor_record_over_the_new_owner() throws Exception {
        Ledger a = ledger("host-a:8080", fixed(start));
        Exchange mine = request("R-LOST");
        assertThat(a.claims().claim(mine)).isNull();
        Ledger b = ledger("host-b:8080", fixed(start.plus(LEASE).plusSeconds(1)));
        assertThat(b.leases().adopt(new DefaultExchange(camel), "R-LOST")).isTrue();

        assertThatThrownBy(() -> a.leases().mark(mine, "SENDING", null)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> a.leases().confirmHeld(mine)).isInstanceOf(LeaseLostException.class);
        record(a, mine, "FAILED");
        assertThat(a.outcomes().recorded("R-LOST").getStatus()).isEqualTo("VERIFYING");
        assertThat(a.outcomes().recorded("R-LOST").getOwner()).isEqualTo(b.leases().instance());
    }

    @Test
    void a_created_or_needs_review_outcome_is_never_overwritten() throws Exception {
        Ledger a = ledger("host-a:8080", fixed(start));
        Exchange first = request("R-FINAL");
        assertThat(a.claims().claim(first)).isNull();
        record(a, first, "CREATED");
        assertThat(a.outcomes().recorded("R-FINAL").getStatus()).isEqualTo("CREATED");

        record(a, first, "FAILED"); // a late write after a database blip
        assertThat(a.outcomes().recorded("R-FINAL").getStatus()).isEqualTo("CREATED");
        assertThat(a.claims().claim(request("R-FINAL")).replay()).isTrue();
    }

    @Test
    void a_failed_request_is_claimed_again_by_exactly_one_of_many_takers() throws Exception {
        Ledger a = ledger("host-a:8080", Clock.systemUTC());
        Exchange first = request("R-AGAIN");
        assertThat(a.claims().claim(first)).isNull();
        record(a, first, "FAILED");
        assertThat(a.outcomes().recorded("R-AGAIN").getStatus()).isEqualTo("FAILED");

        int takers = 8;
        List<Ledger> ledgers = new ArrayList<>();
        for (int i = 0; i < takers; i++) {
            ledgers.add(ledger("host-" + i + ":8080", Clock.systemUTC()));
        }
        ExecutorService threads = Executors.newFixedThreadPool(takers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<CardOutcome>> claims = new ArrayList<>();
            for (Ledger ledger : ledgers) {
                claims.add(threads.submit(() -> {
                    Exchange e = request("R-AGAIN");
                    go.await();
                    return ledger.claims().claim(e);
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<CardOutcome> claim : claims) {
                CardOutcome outcome = claim.get();
                if (outcome == null) {
                    won++;
                } else {
                    assertThat(outcome.replay()).isTrue();
                }
            }
            assertThat(won).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    /** The recovery sweep's read (Camel's jpa component, the named query) and its filter, as routes/recovery.camel.yaml runs them. */
    @SuppressWarnings("unchecked")
    private List<String> orphans(Ledger ledger) {
        List<CardRequestEntity> inFlightOfOthers = camel.createFluentProducerTemplate()
                .to("jpa:" + CardRequestEntity.class.getName() + "?namedQuery=" + CardRequestEntity.IN_FLIGHT_OF_OTHERS
                        + "&flushOnSend=false")
                .withHeader(JpaConstants.JPA_PARAMETERS_HEADER,
                        Map.of("me", ledger.leases().instance()))
                .request(List.class);
        return ledger.leases().orphans(inFlightOfOthers);
    }

    private Ledger ledger(String name, Clock clock) {
        GroupCommit writes = new GroupCommit(database, camel, 64, Duration.ofSeconds(30));
        writes.start();
        writers.add(writes);
        InFlight inFlight = new InFlight();
        Leases leases = new Leases(database, writes, clock, inFlight, name, LEASE);
        return new Ledger(new Claims(database, writes, clock, inFlight, leases, Duration.ofMillis(50)), leases,
                new OutcomeWriter(database, writes, clock, inFlight, leases.instance()), database);
    }

    /** One instance's ledger, wired as the bundle wires it: claims, leases and the outcome writer. */
    private record Ledger(Claims claims, Leases leases, OutcomeWriter outcomes, Database database) {
        CardRequestEntity find(String requestId) {
            return LedgerRows.find(database, requestId);
        }
    }

    private Exchange request(String requestId) {
        Exchange e = new DefaultExchange(camel);
        e.setProperty(CardExchange.REQUEST_ID, requestId);
        e.setProperty(CardExchange.CHANNEL, "FILE");
        e.setProperty(CardExchange.REQUEST, Map.of("companyId", "C1", "cardAccountId", "A1", "mobile", "9876500001"));
        return e;
    }

    private static void record(Ledger ledger, Exchange exchange, String status) throws Exception {
        exchange.setProperty(CardExchange.OUTCOME, new CardOutcome(exchange.getProperty(CardExchange.REQUEST_ID,
                String.class), status, "CREATED".equals(status) ? "EKC1" : null, null, null, null,
                "CREATED".equals(status) ? null : "failed", 1, false, false));
        ledger.outcomes().record(exchange);
    }

    private static Clock fixed(Instant at) {
        return Clock.fixed(at, ZoneOffset.UTC);
    }

    private static Clock ticking(AtomicReference<Instant> now) {
        return new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
    }
}
