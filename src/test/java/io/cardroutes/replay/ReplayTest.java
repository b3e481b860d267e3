package io.cardroutes.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.ops.CardOperations;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retries of FAILED requests (routes/replay.camel.yaml) over REST and JMX: the stored request is sent
 * again under its own requestId, only when FAILED, and never makes a second card.
 */
class ReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "replay-test-key-" + UUID.randomUUID();
    /** Mobiles 98765xxxxx: NoSecretsInLogsTest fails the build if one of them is ever logged. */
    private static final AtomicInteger MOBILES = new AtomicInteger(60_000 + (int) (Math.random() * 30_000));
    /** Create calls a request makes before it ends FAILED: the first and one redelivery. */
    private static final int CALLS_TO_FAIL = 2;

    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(Map.of("app.api-keys", KEY,
            "enkash.retry.max-redeliveries", String.valueOf(CALLS_TO_FAIL - 1)));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EnkashSandbox sandbox;

    private static String base() {
        return "http://localhost:" + bundle.httpPort + "/api/v1";
    }

    @BeforeEach
    void freshSandbox() {
        sandbox = bundle.freshSandbox();
    }

    @Test
    void a_failed_request_retried_over_rest_is_created_under_its_requestId_with_exactly_one_card() throws Exception {
        String mobile = mobile();
        String requestId = "RETRY-#1-" + UUID.randomUUID();
        failed(requestId, mobile);

        HttpResponse<String> retry = retry(requestId, KEY);

        assertThat(retry.statusCode()).isEqualTo(201);
        JsonNode outcome = JSON.readTree(retry.body());
        assertThat(outcome.get("requestId").asText()).isEqualTo(requestId);
        assertThat(outcome.get("status").asText()).isEqualTo("CREATED");
        assertThat(outcome.get("replay").asBoolean()).isFalse();
        assertThat(outcome.get("attempts").asInt()).as("every Create call of the request").isEqualTo(CALLS_TO_FAIL + 1);
        assertThat(sandbox.cardsCreatedFor(mobile)).isEqualTo(1);
        JsonNode sent = JSON.readTree(sandbox.createCallsReceived().get(CALLS_TO_FAIL).body());
        assertThat(sent.get("mobile").asText()).as("the stored request is what is sent").isEqualTo(mobile);
        assertThat(sent.has("requestId")).isFalse();
        Map<String, Object> row = bundle.awaitRow(requestId, "CREATED");
        assertThat(row).containsEntry("enkash_card_id", outcome.get("enKashCardId").asText())
                .containsEntry("channel", "REST");
        assertThat(row.get("error")).isNull();
    }

    @Test
    void a_created_request_is_not_retried_409_with_the_reason_and_no_second_card() throws Exception {
        String mobile = mobile();
        String requestId = "RETRY-CREATED-" + UUID.randomUUID();
        assertThat(post("/cards", request(requestId, mobile), KEY).statusCode()).isEqualTo(201);

        HttpResponse<String> retry = retry(requestId, KEY);

        assertThat(retry.statusCode()).isEqualTo(409);
        assertThat(retry.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(retry.body());
        assertThat(problem.get("type").asText()).endsWith(":not-retryable");
        assertThat(problem.get("requestStatus").asText()).isEqualTo("CREATED");
        assertThat(problem.get("detail").asText()).contains("second card");
        assertThat(problem.get("outcome").get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.createCalls()).isEqualTo(1);
        assertThat(sandbox.cardsCreatedFor(mobile)).isEqualTo(1);
    }

    @Test
    void a_rejected_request_is_not_retried_409_and_nothing_is_sent() throws Exception {
        String requestId = "RETRY-REJECTED-" + UUID.randomUUID();
        sandbox.enqueue(Fault.businessRefusal("Insufficient balance in card account"));
        assertThat(post("/cards", request(requestId, mobile()), KEY).statusCode()).isEqualTo(422);

        HttpResponse<String> retry = retry(requestId, KEY);

        assertThat(retry.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(retry.body()).get("requestStatus").asText()).isEqualTo("REJECTED");
        assertThat(sandbox.createCalls()).isEqualTo(1);
    }

    @Test
    void a_request_whose_card_may_exist_is_never_failed_so_never_retried() throws Exception {
        String mobile = mobile();
        String requestId = "RETRY-REVIEW-" + UUID.randomUUID();
        sandbox.enqueue(Fault.answerLost(504)); // EnKash made the card and the answer was lost
        for (int i = 0; i < 20; i++) {
            sandbox.enqueueSearch(Fault.errorEnvelope("Unable to process the request"));
        }
        HttpResponse<String> first = post("/cards", request(requestId, mobile), KEY);
        assertThat(JSON.readTree(first.body()).get("status").asText()).isEqualTo("NEEDS_REVIEW");

        HttpResponse<String> retry = retry(requestId, KEY);

        assertThat(retry.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(retry.body()).get("requestStatus").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(sandbox.createCalls()).isEqualTo(1);
        assertThat(sandbox.cardsCreatedFor(mobile)).isEqualTo(1);
    }

    @Test
    void an_unknown_request_answers_404() throws Exception {
        HttpResponse<String> retry = retry("RETRY-NEVER-SEEN-" + UUID.randomUUID(), KEY);

        assertThat(retry.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(retry.body()).get("type").asText()).endsWith(":not-found");
        assertThat(sandbox.createCalls()).isZero();
    }

    @Test
    void without_an_api_key_nothing_is_retried_401() throws Exception {
        String mobile = mobile();
        String requestId = "RETRY-NOKEY-" + UUID.randomUUID();
        failed(requestId, mobile);

        HttpResponse<String> retry = retry(requestId, null);

        assertThat(retry.statusCode()).isEqualTo(401);
        assertThat(sandbox.createCalls()).isEqualTo(CALLS_TO_FAIL);
        assertThat(bundle.row(requestId)).containsEntry("status", "FAILED");
    }

    @Test
    void two_retries_at_once_send_the_request_once_and_make_one_card() throws Exception {
        String mobile = mobile();
        String requestId = "RETRY-RACE-" + UUID.randomUUID();
        failed(requestId, mobile);
        sandbox.enqueue(Fault.slowCreate(500)); // the first retry holds the request while the second comes

        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> retries = List.of(1, 2).stream()
                .map(n -> CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                        return retry(requestId, KEY);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })).toList();
        start.countDown();
        List<Integer> statuses = retries.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).sorted().toList();

        assertThat(statuses).containsExactly(201, 409);
        assertThat(sandbox.createCalls()).isEqualTo(CALLS_TO_FAIL + 1);
        assertThat(sandbox.cardsCreatedFor(mobile)).isEqualTo(1);
        assertThat(bundle.awaitRow(requestId, "CREATED")).isNotNull();
    }

    @Test
    void jmx_retries_every_failed_request_of_an_input_file_and_each_is_created_once() throws Exception {
        String file = "retry-" + UUID.randomUUID() + ".csv";
        List<String> mobiles = List.of(mobile(), mobile(), mobile());
        for (int i = 0; i < mobiles.size() * CALLS_TO_FAIL; i++) {
            sandbox.enqueue(Fault.status(503));
        }
        StringBuilder csv = new StringBuilder("requestId,firstName,lastName,mobile,email\n");
        for (int i = 0; i < mobiles.size(); i++) {
            csv.append(file).append("-").append(i).append(",Asha,Rao,").append(mobiles.get(i)).append(",asha.rao@example.com\n");
        }
        csv.append(file).append("-invalid,Asha,Rao,12345,asha.rao@example.com\n");
        bundle.drop(file, csv.toString());
        JsonNode results = bundle.awaitResults(file);
        assertThat(results).extracting(r -> r.get("status").asText()).containsExactly("FAILED", "FAILED", "FAILED", "REJECTED");

        String summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(CardOperations.OBJECT_NAME),
                "retryFailedOfBatch", new Object[] {file}, new String[] {String.class.getName()});

        assertThat(summary).startsWith("3 FAILED request(s) of " + file + " retried: {CREATED=3}");
        for (int i = 0; i < mobiles.size(); i++) {
            assertThat(bundle.awaitRow(file + "-" + i, "CREATED")).isNotNull();
            assertThat(sandbox.cardsCreatedFor(mobiles.get(i))).isEqualTo(1);
        }
        assertThat(bundle.row(file + "-invalid")).containsEntry("status", "REJECTED");
        assertThat(sandbox.createCalls()).isEqualTo(mobiles.size() * (CALLS_TO_FAIL + 1));

        String again = (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(CardOperations.OBJECT_NAME),
                "retryRequest", new Object[] {file + "-0"}, new String[] {String.class.getName()});
        assertThat(again).contains("not retried").contains("CREATED");
        assertThat(sandbox.createCalls()).isEqualTo(mobiles.size() * (CALLS_TO_FAIL + 1));
    }

    @Test
    void the_openapi_document_describes_the_retry() throws Exception {
        HttpResponse<String> doc = http.send(HttpRequest.newBuilder(URI.create(base() + "/openapi.json")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        JsonNode openApi = JSON.readTree(doc.body());
        JsonNode retry = openApi.path("paths").path("/cards/{requestId}/retry").path("post");
        assertThat(retry.path("responses").fieldNames()).toIterable().contains("201", "401", "404", "409");
        assertThat(retry.path("security").toString() + openApi.path("security")).as(doc.body()).contains("apiKey");
    }

    /** A request that ended FAILED: EnKash answered 503 to every call, so it made no card. */
    private void failed(String requestId, String mobile) throws Exception {
        for (int i = 0; i < CALLS_TO_FAIL; i++) {
            sandbox.enqueue(Fault.status(503));
        }
        HttpResponse<String> first = post("/cards", request(requestId, mobile), KEY);
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(first.body()).get("outcome").get("status").asText()).isEqualTo("FAILED");
        assertThat(sandbox.cardsCreatedFor(mobile)).isZero();
    }

    private HttpResponse<String> retry(String requestId, String key) throws Exception {
        String path = "/cards/" + URLEncoder.encode(requestId, StandardCharsets.UTF_8).replace("+", "%20") + "/retry";
        HttpRequest.Builder call = HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            call.header("X-API-Key", key);
        }
        return http.send(call.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .header("X-API-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String mobile() {
        return "98765" + String.format("%05d", MOBILES.incrementAndGet() % 100_000);
    }

    private static String request(String requestId, String mobile) {
        return "{\"requestId\":\"" + requestId + "\",\"firstName\":\"Asha\",\"lastName\":\"Rao\",\"mobile\":\""
                + mobile + "\",\"email\":\"asha.rao@example.com\"}";
    }
}
