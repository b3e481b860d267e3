package io.cardroutes.channels;

import static io.cardroutes.channels.ChannelTesting.mobile;
import static io.cardroutes.channels.ChannelTesting.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.OutsideEnkash;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * A REST batch answered 202 lives on the broker's batch-work queue until every request of it is settled:
 * it outlives its bundle, keeps its input order, and says why when it cannot be finished.
 */
class DurableBatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "durable-test-key-" + UUID.randomUUID();
    private static final String DLQ = "enkash.cards.dlq";
    private static final String WORK_QUEUE = "enkash.cards.batch-work";
    private static final int REQUESTS = 12;
    private static final int INVALID = 3;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void an_accepted_batch_waits_on_the_broker_through_a_restart_and_then_finishes_in_input_order() throws Exception {
        Path home = Files.createTempDirectory("durable-");
        List<String> mobiles = new ArrayList<>();
        StringBuilder body = new StringBuilder("[");
        for (int i = 1; i <= REQUESTS; i++) {
            String mobile = i == INVALID ? "12" : mobile();
            mobiles.add(mobile);
            body.append(i > 1 ? "," : "").append(request(mobile));
        }
        String batchId;
        try (Bundle first = Bundle.startAt(home, Map.of("app.api-keys", KEY))) {
            // nothing runs the batch in this bundle: it only accepts it, as one killed just after its 202 would
            first.context().getRouteController().stopRoute("batch-work");
            HttpResponse<String> accepted = post(first, body.append("]").toString());
            assertThat(accepted.statusCode()).isEqualTo(202);
            batchId = JSON.readTree(accepted.body()).get("batchId").asText();
            JsonNode open = batch(first, batchId);
            assertThat(open.get("status").asText()).isEqualTo("OPEN");
            assertThat(open.get("recorded").asInt()).isZero();
            assertThat(first.sandbox().createCalls()).isZero();
        }

        try (Bundle second = Bundle.startAt(home, Map.of("app.api-keys", KEY))) {
            JsonNode done = awaitBatch(second, batchId, "DONE");

            assertThat(done.get("total").asInt()).isEqualTo(REQUESTS);
            assertThat(done.get("recorded").asInt()).isEqualTo(REQUESTS);
            assertThat(done.has("reason")).isFalse();
            JsonNode items = done.get("items");
            assertThat(items).hasSize(REQUESTS);
            for (int i = 0; i < REQUESTS; i++) {
                assertThat(items.get(i).get("requestId").asText()).isEqualTo(batchId + "#" + (i + 1));
                assertThat(items.get(i).get("status").asText()).isEqualTo(i + 1 == INVALID ? "REJECTED" : "CREATED");
            }
            assertThat(second.sandbox().createCalls()).isEqualTo(REQUESTS - 1);
            for (int i = 0; i < REQUESTS; i++) {
                assertThat(second.sandbox().cardsFor(mobiles.get(i))).isEqualTo(i + 1 == INVALID ? 0 : 1);
            }
        }
    }

    @Test
    void a_batch_that_cannot_be_finished_is_stuck_with_the_reason_and_finishes_once_its_message_is_put_back()
            throws Exception {
        Map<String, String> props = Map.of("app.api-keys", KEY, "app.batch-work.retries", "2",
                "app.batch-work.retry-delay-ms", "100", "app.replay.in-flight-wait-ms", "100");
        try (Bundle bundle = Bundle.startAt(Files.createTempDirectory("durable-stuck-"), props)) {
            String held = "HELD-" + UUID.randomUUID();
            String heldMobile = mobile();
            String free = mobile();
            // another live instance holds this request in flight, with a lease that outlasts every retry
            update(bundle, "insert into card_request (request_id, channel, source, status, owner, lease_until, "
                    + "created_at, updated_at) values (?, 'REST', 'REST', 'SENDING', 'another-instance/1a2b3c4d', ?, ?, ?)",
                    held, OffsetDateTime.now(ZoneOffset.UTC).plusHours(1), OffsetDateTime.now(ZoneOffset.UTC),
                    OffsetDateTime.now(ZoneOffset.UTC));

            HttpResponse<String> accepted = post(bundle, "[" + ChannelTesting.request(held, heldMobile) + ","
                    + request(free) + "]");
            String batchId = JSON.readTree(accepted.body()).get("batchId").asText();
            JsonNode stuck = awaitBatch(bundle, batchId, "STUCK");

            assertThat(stuck.get("reason").asText()).contains("1 request(s) not settled").contains("after 2 retries")
                    .contains(DLQ);
            assertThat(stuck.get("items").get(0).get("status").asText()).isEqualTo("SENDING");
            assertThat(stuck.get("items").get(1).get("status").asText()).isEqualTo("CREATED");
            assertThat(bundle.sandbox().cardsFor(heldMobile)).as("never sent while another instance holds it").isZero();
            String work;
            String brokerUrl = "tcp://localhost:" + bundle.context().resolvePropertyPlaceholders(
                    "{{app.broker.embedded.port}}") + "?useEpoll=false";
            try (jakarta.jms.Connection jms = new ActiveMQConnectionFactory(brokerUrl).createConnection()) {
                jms.start();
                Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
                TextMessage dead = (TextMessage) session.createConsumer(session.createQueue(DLQ)).receive(10_000);
                assertThat(dead.getStringProperty("batchId")).isEqualTo(batchId);
                assertThat(dead.getStringProperty("dlqReason")).isEqualTo(stuck.get("reason").asText());
                work = dead.getText();

                // the other instance settles the request; an operator puts the batch's message back on its queue
                update(bundle, "update card_request set status = 'CREATED', enkash_card_id = 'EKC-OTHER', owner = null "
                        + "where request_id = ?", held);
                TextMessage again = session.createTextMessage(work);
                again.setStringProperty("batchId", batchId);
                session.createProducer(session.createQueue(WORK_QUEUE)).send(again);
            }

            JsonNode done = awaitBatch(bundle, batchId, "DONE");
            assertThat(done.has("reason")).isFalse();
            assertThat(done.get("items").get(0).get("status").asText()).isEqualTo("CREATED");
            assertThat(done.get("items").get(0).get("enKashCardId").asText()).isEqualTo("EKC-OTHER");
            assertThat(bundle.sandbox().cardsFor(heldMobile)).isZero();
            assertThat(bundle.sandbox().cardsFor(free)).isEqualTo(1);
        }
    }

    @Test
    void a_batch_under_way_when_its_bundle_stops_goes_back_to_the_queue_and_the_next_start_finishes_it()
            throws Exception {
        EnkashSandbox enkash = OutsideEnkash.start(200, 64);
        try {
            Path home = Files.createTempDirectory("durable-stop-");
            Map<String, String> props = Map.of("app.api-keys", KEY, "enkash.sandbox.enabled", "false",
                    "enkash.base-url", "http://localhost:" + enkash.port(), "app.instance-name", "durable-stop");
            int requests = 100;
            List<String> mobiles = new ArrayList<>();
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < requests; i++) {
                mobiles.add(mobile());
                body.append(i > 0 ? "," : "").append(request(mobiles.get(i)));
            }
            String batchId;
            try (Bundle first = Bundle.startAt(home, props)) {
                batchId = JSON.readTree(post(first, body.append("]").toString()).body()).get("batchId").asText();
                Bundle.await(() -> enkash.createCalls() >= 20, Duration.ofSeconds(60), "the batch to be under way");
            }
            assertThat(enkash.createCalls()).as("stopped mid-batch").isLessThan(requests);

            try (Bundle second = Bundle.startAt(home, props)) {
                JsonNode done = awaitBatch(second, batchId, "DONE");
                assertThat(done.get("counts").get("CREATED").asInt()).isEqualTo(requests);
                assertThat(second.query("select count(*) as n from card_batch").get(0).get("n")).isEqualTo(1L);
                String brokerUrl = "tcp://localhost:" + second.context().resolvePropertyPlaceholders(
                        "{{app.broker.embedded.port}}") + "?useEpoll=false";
                try (jakarta.jms.Connection jms = new ActiveMQConnectionFactory(brokerUrl).createConnection()) {
                    jms.start();
                    Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    assertThat(session.createConsumer(session.createQueue(DLQ)).receive(500))
                            .as("the stop made nothing STUCK").isNull();
                }
            }
            for (String mobile : mobiles) {
                assertThat(enkash.cardsFor(mobile)).isEqualTo(1);
            }
        } finally {
            enkash.stop();
        }
    }

    private HttpResponse<String> post(Bundle bundle, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bundle.httpPort + "/api/v1/cards/batch"))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode batch(Bundle bundle, String batchId) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + bundle.httpPort + "/api/v1/batches/" + batchId))
                .header("X-API-Key", KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private JsonNode awaitBatch(Bundle bundle, String batchId, String status) throws Exception {
        JsonNode[] last = new JsonNode[1];
        Bundle.await(() -> {
            try {
                last[0] = batch(bundle, batchId);
                return status.equals(last[0].get("status").asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(60), "batch " + batchId + " to be " + status);
        return last[0];
    }

    private static void update(Bundle bundle, String sql, Object... args) throws Exception {
        DataSource ds = bundle.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
