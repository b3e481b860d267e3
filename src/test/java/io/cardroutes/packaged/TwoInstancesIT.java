package io.cardroutes.packaged;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.OutsideEnkash;
import io.cardroutes.support.RunDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged bundles on one PostgreSQL database (the machine's server, a database of its own for
 * this run): the second starts while the first has Create calls in flight and must leave them alone;
 * a client replays some of the first one's requests to the second; the first is killed (SIGKILL)
 * mid-file and started again. EnKash (a sandbox in this JVM) ends with exactly one card per request
 * and every request is CREATED once.
 */
class TwoInstancesIT {

    private static final int FIRST = 600;
    private static final int SECOND = 200;
    private static final int REPLAYED = 100;

    @TempDir
    Path dir;

    @Test
    void two_bundles_on_one_postgresql_database_and_a_kill_leave_exactly_one_card_per_request() throws Exception {
        RunDatabase database = new RunDatabase("cards_it");
        // answers take 300 ms, so Create calls are in flight when the second bundle starts and when the first dies
        EnkashSandbox enkash = OutsideEnkash.start(300, 64);
        Path oneHome = Files.createDirectories(dir.resolve("one"));
        Path twoHome = Files.createDirectories(dir.resolve("two"));
        try {
            try (PackagedJar one = jar(oneHome, "it-one", database, enkash);
                 PackagedJar two = jar(twoHome, "it-two", database, enkash)) {
                one.start();
                one.drop("first.csv", csv(0, FIRST));
                await("the first bundle sending").atMost(Duration.ofSeconds(60))
                        .until(() -> enkash.createCalls() >= 50);

                two.start(); // its recovery sweep runs at once, and every second after
                StringBuilder second = new StringBuilder(csv(FIRST, FIRST + SECOND));
                second.append(csv(0, REPLAYED).substring(csv(0, 0).length())); // a client replays 100 of the first's
                two.drop("second.csv", second.toString());

                await("the second bundle's results").atMost(Duration.ofSeconds(120))
                        .until(() -> Files.exists(two.outbox.resolve("second.csv.results.json")));
                one.kill(); // mid-file: it sends four at a time
            }
            assertThat(enkash.cards().stream().map(c -> c.get("mobile")).distinct().count())
                    .as("the first file was cut short by the kill").isLessThan(FIRST + SECOND);
            try (PackagedJar again = jar(oneHome, "it-one", database, enkash)) {
                again.start(); // its unfinished file comes back from .inprogress; its orphans are adopted at once
                await("the restarted first bundle's results").atMost(Duration.ofSeconds(180))
                        .until(() -> Files.exists(again.outbox.resolve("first.csv.results.json")));
                await("every card").atMost(Duration.ofSeconds(60)).until(() -> enkash.cards().size() >= FIRST + SECOND);
            }

            Map<String, Integer> cardsPerMobile = new HashMap<>();
            enkash.cards().forEach(c -> cardsPerMobile.merge((String) c.get("mobile"), 1, Integer::sum));
            assertThat(cardsPerMobile).hasSize(FIRST + SECOND);
            assertThat(cardsPerMobile.values()).as("cards per person").containsOnly(1);

            assertThat(database.statuses()).containsExactly(Map.entry("CREATED", FIRST + SECOND));
        } finally {
            enkash.stop();
            database.close();
        }
    }

    private static String csv(int from, int to) {
        StringBuilder csv = new StringBuilder("requestId,firstName,lastName,mobile,email\n");
        for (int i = from; i < to; i++) {
            csv.append(String.format("TWO-%04d,F%04d,L%04d,96%08d,t%04d@example.com%n", i, i, i, i, i));
        }
        return csv.toString();
    }

    /**
     * A packaged bundle on the shared database. No search grace: a bundle that adopted a live
     * instance's request would search before its card exists and send it again, which the card count
     * shows. Short leases, so the survivor adopts the killed one's requests within the test.
     */
    private PackagedJar jar(Path home, String name, RunDatabase database, EnkashSandbox enkash) throws Exception {
        return new PackagedJar(home)
                .env("APP_INSTANCE_NAME", name)
                .env("APP_PIPELINE_CONCURRENCY", "it-one".equals(name) ? "4" : "16")
                .env("APP_DB_URL", database.url())
                .env("APP_DB_USER", "postgres")
                .env("APP_LEASE_DURATION_MS", "5000")
                .env("APP_LEASE_RENEW_MS", "1000")
                .env("APP_RECOVERY_PERIOD_MS", "1000")
                .env("ENKASH_RECONCILE_GRACE_MS", "0")
                .env("ENKASH_SANDBOX_ENABLED", "false")
                .env("ENKASH_BASE_URL", "http://localhost:" + enkash.port());
    }
}
