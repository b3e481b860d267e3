package io.cardroutes.packaged;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.OutsideEnkash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM in the middle of a 300-line file while EnKash (a sandbox in this JVM) answers slowly: the
 * bundle starts no new request, lets the calls in flight finish, leaves the rest of the file for the
 * next start and exits 0 well inside a container's 30 s; restarted, it finishes the file with exactly
 * one card per person.
 */
class GracefulStopIT {

    private static final int REQUESTS = 300;
    private static final int CONCURRENCY = 16; // app.pipeline.concurrency

    @TempDir
    Path home;

    @Test
    void sigterm_mid_file_finishes_the_calls_in_flight_exits_0_and_the_next_start_finishes_the_file() throws Exception {
        EnkashSandbox enkash = OutsideEnkash.start(200, 64);
        try {
            StringBuilder csv = new StringBuilder("requestId,firstName,lastName,mobile,email\n");
            for (int i = 0; i < REQUESTS; i++) {
                csv.append(String.format("STOP-%03d,F%03d,L%03d,96%08d,s%03d@example.com%n", i, i, i, i, i));
            }
            try (PackagedJar first = jar(enkash)) {
                first.start();
                first.drop("stop.csv", csv.toString());
                await("50 Create calls").atMost(Duration.ofSeconds(60)).until(() -> enkash.createCalls() >= 50);

                int sentBeforeStop = enkash.createCalls();
                long stopAsked = System.nanoTime();
                first.process().destroy(); // SIGTERM
                List<Integer> restAnswers = callRestUntilGone(first);
                assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s").isTrue();
                Instant exited = Instant.now();
                Duration took = Duration.ofNanos(System.nanoTime() - stopAsked);
                System.out.println("SIGTERM to exit: " + took.toMillis() + " ms");

                assertThat(first.process().exitValue()).as("exit code after SIGTERM").isZero();
                assertThat(took).as("well inside a container's 30 s").isLessThan(Duration.ofSeconds(25));
                assertThat(restAnswers).as("new REST calls during the stop").contains(503);
                // the bundle's JVM is gone: whatever it sent reached the sandbox before it exited
                assertThat(enkash.createCallsReceived()).as("no Create call after the exit")
                        .allSatisfy(call -> assertThat(call.receivedAt()).isBefore(exited));
                assertThat(enkash.createCalls() - sentBeforeStop).as("Create calls started after SIGTERM")
                        .isLessThanOrEqualTo(CONCURRENCY);
                assertThat(enkash.createCalls()).as("the rest of the file was not started").isLessThan(REQUESTS);

                Map<String, Integer> statuses = statuses();
                assertThat(statuses.getOrDefault("SENDING", 0)).as("left in flight").isLessThanOrEqualTo(CONCURRENCY);
                assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum())
                        .as("rows: only the requests started before the stop").isEqualTo(enkash.createCalls());
                assertThat(first.outbox.resolve("stop.csv.results.json")).as("no half results file").doesNotExist();
                assertThat(filesNamed(first.inbox.resolve(".inprogress"), "stop.csv")).as("file kept for next start")
                        .hasSize(1);
                assertThat(Files.readString(first.log))
                        .contains("stop.csv: stopping, so its requests not yet started wait for the next start");
            }

            Path results;
            try (PackagedJar second = jar(enkash)) {
                second.start();
                results = second.outbox.resolve("stop.csv.results.json");
                await("results after restart").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(results));
                assertThat(Files.readString(second.log))
                        .contains("stop.csv was left in progress by an earlier run: back in the inbox as stop.csv");
                assertThat(second.stop()).isZero();
            }

            Map<String, Integer> cardsPerMobile = new HashMap<>();
            enkash.cards().forEach(c -> cardsPerMobile.merge((String) c.get("mobile"), 1, Integer::sum));
            assertThat(cardsPerMobile).hasSize(REQUESTS);
            assertThat(cardsPerMobile.values()).containsOnly(1);
            assertThat(statuses()).containsExactly(Map.entry("CREATED", REQUESTS));
            JsonNode entries = new ObjectMapper().readTree(results.toFile());
            assertThat(entries).hasSize(REQUESTS);
            assertThat(entries).extracting(n -> n.get("status").asText()).containsOnly("CREATED");
        } finally {
            enkash.stop();
        }
    }

    /** A new call every 50 ms while the bundle stops, until its JVM exits: each answer's status. */
    private static List<Integer> callRestUntilGone(PackagedJar jar) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        List<Integer> answers = new CopyOnWriteArrayList<>();
        await("the bundle's JVM to exit after SIGTERM").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    try {
                        answers.add(http.send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + jar.httpPort + "/api/v1/cards"))
                                .header("X-API-Key", "demo-key").header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(2))
                                // unreadable (400, nothing recorded) if it slips in before the stop began: no card or row the test does not count
                                .POST(HttpRequest.BodyPublishers.ofString("not json")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode());
                    } catch (java.io.IOException closed) {
                        // the server stopped listening; the JVM is on its way out
                    }
                    return !jar.process().isAlive();
                });
        return answers;
    }

    private Map<String, Integer> statuses() throws Exception {
        Map<String, Integer> statuses = new HashMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + home.resolve("db/cards"), "sa", "");
             Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("select status, count(*) from card_request group by status")) {
            while (rs.next()) {
                statuses.put(rs.getString(1), rs.getInt(2));
            }
        }
        return statuses;
    }

    private static List<Path> filesNamed(Path folder, String name) throws Exception {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.getFileName().toString().equals(name)).toList();
        }
    }

    private PackagedJar jar(EnkashSandbox enkash) throws Exception {
        return new PackagedJar(home)
                .env("APP_INSTANCE_NAME", "graceful-stop") // the restart is the same instance (see CrashRecoveryIT)
                .env("ENKASH_SANDBOX_ENABLED", "false")
                .env("ENKASH_BASE_URL", "http://localhost:" + enkash.port());
    }
}
