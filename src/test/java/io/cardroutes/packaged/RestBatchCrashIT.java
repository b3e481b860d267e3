package io.cardroutes.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import io.cardroutes.support.Bundle;
import io.cardroutes.support.OutsideEnkash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A REST batch answered 202 survives a kill -9 of its bundle (a separate JVM) in the middle of its run:
 * restarted on the same data, the bundle finishes it from the broker's journal without the client
 * sending anything again, and EnKash (a sandbox in this JVM, so it outlives both runs) holds exactly
 * one card per request.
 */
class RestBatchCrashIT {

    private static final int REQUESTS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void a_rest_batch_killed_after_its_202_is_finished_by_the_restart_with_one_card_per_request() throws Exception {
        EnkashSandbox enkash = OutsideEnkash.start(300, 64);
        try {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < REQUESTS; i++) {
                body.append(i == 0 ? "" : ",").append(String.format("{\"firstName\":\"F%03d\",\"lastName\":\"L%03d\","
                        + "\"mobile\":\"96%08d\",\"email\":\"b%03d@example.com\"}", i, i, i, i));
            }
            String batchId;
            try (PackagedJar first = jar(enkash)) {
                first.start();
                HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + first.httpPort + "/api/v1/cards/batch"))
                        .header("X-API-Key", "demo-key").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.append("]").toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(accepted.statusCode()).isEqualTo(202);
                batchId = JSON.readTree(accepted.body()).get("batchId").asText();
                Bundle.await(() -> enkash.createCalls() >= 48, Duration.ofSeconds(60), "the batch to be under way");
                first.kill();
            }
            assertThat(enkash.createCalls()).as("killed mid-batch").isLessThan(REQUESTS);

            JsonNode done;
            try (PackagedJar second = jar(enkash)) {
                second.start();
                JsonNode[] last = new JsonNode[1];
                Bundle.await(() -> {
                    last[0] = batch(second, batchId);
                    return "DONE".equals(last[0].get("status").asText());
                }, Duration.ofSeconds(180), "the batch to be DONE after the restart");
                done = last[0];
                second.stop();
            }

            assertThat(done.get("total").asInt()).isEqualTo(REQUESTS);
            assertThat(done.get("recorded").asInt()).isEqualTo(REQUESTS);
            assertThat(done.get("counts")).hasSize(1);
            assertThat(done.get("counts").get("CREATED").asInt()).isEqualTo(REQUESTS);
            JsonNode items = done.get("items");
            assertThat(items).hasSize(REQUESTS);
            for (int i = 0; i < REQUESTS; i++) {
                assertThat(items.get(i).get("requestId").asText()).isEqualTo(batchId + "#" + (i + 1));
                assertThat(items.get(i).get("status").asText()).isEqualTo("CREATED");
            }

            Map<String, Integer> cardsPerMobile = new HashMap<>();
            enkash.cards().forEach(c -> cardsPerMobile.merge((String) c.get("mobile"), 1, Integer::sum));
            assertThat(cardsPerMobile).hasSize(REQUESTS);
            assertThat(cardsPerMobile.values()).containsOnly(1);

            try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + home.resolve("db/cards"), "sa", "");
                 Statement st = db.createStatement()) {
                assertThat(count(st, "select count(*) from card_request where status = 'CREATED'")).isEqualTo(REQUESTS);
                assertThat(count(st, "select count(*) from card_request")).isEqualTo(REQUESTS);
                assertThat(count(st, "select count(*) from card_batch_item where batch_id = '" + batchId + "'"))
                        .isEqualTo(REQUESTS);
                assertThat(count(st, "select count(*) from card_batch")).as("no second batch: nothing was sent again")
                        .isEqualTo(1);
            }
        } finally {
            enkash.stop();
        }
    }

    private JsonNode batch(PackagedJar jar, String batchId) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + jar.httpPort + "/api/v1/batches/" + batchId))
                    .header("X-API-Key", "demo-key").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            return JSON.readTree(answer.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int count(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private PackagedJar jar(EnkashSandbox enkash) throws Exception {
        // the same instance name: the restart adopts the killed run's requests in flight at once, not after their lease
        return new PackagedJar(home)
                .env("APP_INSTANCE_NAME", "rest-batch-crash")
                .env("ENKASH_SANDBOX_ENABLED", "false")
                .env("ENKASH_BASE_URL", "http://localhost:" + enkash.port());
    }
}
