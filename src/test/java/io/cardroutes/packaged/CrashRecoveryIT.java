package io.cardroutes.packaged;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.OutsideEnkash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle is killed (SIGKILL, a separate JVM) in the middle of a 500-request batch while EnKash
 * (a sandbox in this JVM, so it survives) answers slowly; restarted on the same database, every
 * request ends in a final state and EnKash holds exactly one card per request.
 */
class CrashRecoveryIT {

    private static final int REQUESTS = 500;

    @TempDir
    Path home;

    @Test
    void a_bundle_killed_mid_batch_and_restarted_leaves_exactly_one_card_per_request() throws Exception {
        EnkashSandbox enkash = OutsideEnkash.start(40, 64);
        try {
            StringBuilder csv = new StringBuilder("requestId,firstName,lastName,mobile,email\n");
            for (int i = 0; i < REQUESTS; i++) {
                csv.append(String.format("CRASH-%03d,F%03d,L%03d,97%08d,p%03d@example.com%n", i, i, i, i, i));
            }
            try (PackagedJar first = jar(enkash)) {
                first.start();
                first.drop("crash.csv", csv.toString());
                await("150 Create calls").atMost(Duration.ofSeconds(60)).until(() -> enkash.createCalls() >= 150);
                first.kill();
            }
            int sentBeforeKill = enkash.createCalls();
            assertThat(sentBeforeKill).as("killed mid-batch").isLessThan(REQUESTS);

            Path results;
            try (PackagedJar second = jar(enkash)) {
                second.start();
                results = second.outbox.resolve("crash.csv.results.json");
                await("results after restart").atMost(Duration.ofSeconds(120)).until(() -> Files.exists(results));
                assertThat(Files.readString(second.log)).as("the half-read file came back from .inprogress")
                        .contains("crash.csv was left in progress by an earlier run: back in the inbox as crash.csv");
                await("all cards").atMost(Duration.ofSeconds(60)).until(() -> enkash.cards().size() >= REQUESTS);
                second.stop();
            }

            Map<String, Integer> cardsPerMobile = new HashMap<>();
            enkash.cards().forEach(c -> cardsPerMobile.merge((String) c.get("mobile"), 1, Integer::sum));
            assertThat(cardsPerMobile).hasSize(REQUESTS);
            assertThat(cardsPerMobile.values()).containsOnly(1);

            Map<String, Integer> statuses = new HashMap<>();
            try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + home.resolve("db/cards"), "sa", "");
                 Statement st = db.createStatement();
                 ResultSet rs = st.executeQuery("select status, count(*) from card_request group by status")) {
                while (rs.next()) {
                    statuses.put(rs.getString(1), rs.getInt(2));
                }
            }
            assertThat(statuses).containsExactly(Map.entry("CREATED", REQUESTS));
            JsonNode entries = new ObjectMapper().readTree(results.toFile());
            assertThat(entries).hasSize(REQUESTS);
            // the restarted run reports the settled outcome even for requests it had to verify first
            assertThat(entries).extracting(n -> n.get("status").asText()).containsOnly("CREATED");
        } finally {
            enkash.stop();
        }
    }

    private PackagedJar jar(EnkashSandbox enkash) throws Exception {
        // each PackagedJar gets a free HTTP port, which is part of the default instance name: the
        // restart must be the same instance to adopt the killed run's requests at once (not after their lease)
        return new PackagedJar(home)
                .env("APP_INSTANCE_NAME", "crash-recovery")
                .env("ENKASH_SANDBOX_ENABLED", "false")
                .env("ENKASH_BASE_URL", "http://localhost:" + enkash.port());
    }
}
