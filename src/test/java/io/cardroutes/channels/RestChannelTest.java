package io.cardroutes.channels;

import static io.cardroutes.channels.ChannelTesting.mobile;
import static io.cardroutes.channels.ChannelTesting.request;
import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.support.Bundle;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The REST channel over real HTTP: API key, create, replay, problems, batches, reads, the OpenAPI document. */
class RestChannelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "rest-test-key-" + UUID.randomUUID();
    private static final String OTHER_KEY = "rest-test-other-" + UUID.randomUUID();
    private static final int MAX_BODY = 64 * 1024;

    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(properties());
    private static final String base = "http://localhost:" + bundle.httpPort + "/api/v1";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EnkashSandbox sandbox;

    private static Map<String, String> properties() {
        Map<String, String> props = ChannelTesting.embeddedBroker();
        props.put("app.api-keys", KEY + ", " + OTHER_KEY);
        props.put("app.http.max-body-bytes", String.valueOf(MAX_BODY));
        props.put("enkash.retry.max-redeliveries", "2");
        props.put("app.replay.in-flight-wait-ms", "200");
        return props;
    }

    @BeforeEach
    void freshSandbox() {
        sandbox = bundle.freshSandbox();
    }

    // ------------------------------------------------------------------ POST /cards

    @Test
    void creates_a_card_and_answers_201_with_the_outcome_and_its_location() throws Exception {
        String mobile = mobile();
        String key = "REST-" + UUID.randomUUID();

        HttpResponse<String> answer = post("/cards", request(mobile), "Idempotency-Key", key);

        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.headers().firstValue("Location")).hasValue("/api/v1/cards/" + key);
        JsonNode outcome = JSON.readTree(answer.body());
        assertThat(outcome.get("requestId").asText()).isEqualTo(key);
        assertThat(outcome.get("status").asText()).isEqualTo("CREATED");
        assertThat(outcome.get("enKashCardId").asText()).startsWith("EKC");
        assertThat(outcome.get("replay").asBoolean()).isFalse();
        JsonNode sent = JSON.readTree(sandbox.createCallsReceived().get(0).body());
        assertThat(sent.get("mobile").asText()).isEqualTo(mobile);
        assertThat(sent.get("firstName").asText()).isEqualTo("Asha");
        assertThat(sent.has("requestId")).isFalse();
        assertThat(bundle.awaitRow(key, "CREATED")).containsEntry("channel", "REST");
        assertThat(answer.headers().map().keySet()).as("the API key is never echoed")
                .noneMatch(h -> h.equalsIgnoreCase("X-API-Key"));
    }

    @Test
    void the_same_idempotency_key_answers_200_with_the_stored_outcome_and_creates_no_second_card()
            throws Exception {
        String mobile = mobile();
        String key = "REST-" + UUID.randomUUID();
        JsonNode first = JSON.readTree(post("/cards", request(mobile), "Idempotency-Key", key).body());

        HttpResponse<String> again = post("/cards", request(mobile), "Idempotency-Key", key);

        assertThat(again.statusCode()).isEqualTo(200);
        JsonNode replay = JSON.readTree(again.body());
        assertThat(replay.get("replay").asBoolean()).isTrue();
        assertThat(replay.get("enKashCardId").asText()).isEqualTo(first.get("enKashCardId").asText());
        assertThat(sandbox.createCalls()).isEqualTo(1);
        assertThat(sandbox.cardsFor(mobile)).isEqualTo(1);
    }

    @Test
    void the_same_idempotency_key_with_another_request_answers_422_naming_the_key_and_makes_no_card()
            throws Exception {
        String mobile = mobile();
        String other = mobile();
        String key = "REST-" + UUID.randomUUID();
        JsonNode first = JSON.readTree(post("/cards", request(mobile), "Idempotency-Key", key).body());

        HttpResponse<String> reused = post("/cards", request(other), "Idempotency-Key", key);

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(reused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(reused.body());
        assertThat(problem.get("type").asText()).endsWith("idempotency-key-reused");
        assertThat(problem.get("idempotencyKey").asText()).isEqualTo(key);
        assertThat(problem.path("enKashCardId").isMissingNode() || problem.path("enKashCardId").isNull()).isTrue();
        assertThat(sandbox.cardsFor(other)).isZero();
        assertThat(sandbox.createCalls()).isEqualTo(1);
        JsonNode stored = JSON.readTree(get("/cards/" + key, KEY).body());
        assertThat(stored.get("enKashCardId").asText()).isEqualTo(first.get("enKashCardId").asText());
    }

    @Test
    void a_request_id_in_the_body_works_like_the_key_and_without_either_a_new_id_is_made() throws Exception {
        String mobile = mobile();
        String requestId = "REST-BODY-" + UUID.randomUUID();
        HttpResponse<String> first = post("/cards", request(requestId, mobile));
        HttpResponse<String> second = post("/cards", request(requestId, mobile));
        HttpResponse<String> anonymous = post("/cards", request(mobile()), "Content-Type", "application/json; charset=UTF-8");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(sandbox.cardsFor(mobile)).isEqualTo(1);
        assertThat(anonymous.statusCode()).isEqualTo(201);
        String madeUp = JSON.readTree(anonymous.body()).get("requestId").asText();
        assertThat(UUID.fromString(madeUp)).isNotNull();
    }

    @Test
    void an_invalid_request_answers_422_problem_listing_every_field_problem() throws Exception {
        HttpResponse<String> answer = post("/cards",
                "{\"firstName\":\"Asha\",\"mobile\":\"12345\",\"email\":\"not-an-email\",\"shoeSize\":42}");

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("type").asText()).endsWith(":invalid-request");
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("status").asInt()).isEqualTo(422);
        assertThat(problem.get("detail").asText()).isNotBlank();
        List<String> errors = new ArrayList<>();
        problem.get("errors").forEach(e -> errors.add(e.asText()));
        assertThat(errors).hasSize(3);
        assertThat(errors).anyMatch(e -> e.startsWith("$.mobile")).anyMatch(e -> e.startsWith("$.email"))
                .anyMatch(e -> e.contains("shoeSize"));
        assertThat(problem.get("outcome").get("status").asText()).isEqualTo("REJECTED");
        assertThat(sandbox.createCalls()).isZero();
    }

    @Test
    void a_refusal_by_enkash_answers_422_with_its_reason() throws Exception {
        sandbox.enqueue(Fault.businessRefusal("Insufficient balance in card account"));

        HttpResponse<String> answer = post("/cards", request(mobile()));

        assertThat(answer.statusCode()).isEqualTo(422);
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("type").asText()).endsWith(":refused");
        assertThat(problem.get("errors").get(0).asText()).contains("Insufficient balance");
        assertThat(sandbox.createCalls()).isEqualTo(1);
    }

    @Test
    void enkash_unavailable_after_every_retry_answers_503_problem() throws Exception {
        sandbox.enqueue(Fault.status(503), Fault.status(503), Fault.status(503));

        HttpResponse<String> answer = post("/cards", request(mobile()));

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("outcome").get("status").asText()).isEqualTo("FAILED");
        assertThat(problem.get("outcome").get("attempts").asInt()).isEqualTo(3);
        assertThat(sandbox.createCalls()).as("first call and two redeliveries").isEqualTo(3);
        assertThat(sandbox.cards()).isEmpty();
    }

    @Test
    void a_second_call_still_unsettled_after_the_in_flight_wait_answers_409() throws Exception {
        String mobile = mobile();
        String key = "REST-" + UUID.randomUUID();
        sandbox.enqueue(Fault.stall(1500));
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(
                postRequest("/cards", request(mobile), "Idempotency-Key", key), HttpResponse.BodyHandlers.ofString());
        await("the first Create call").atMost(Duration.ofSeconds(20)).until(() -> sandbox.createCalls() == 1);

        HttpResponse<String> second = post("/cards", request(mobile), "Idempotency-Key", key);

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(second.body()).get("type").asText()).endsWith(":in-flight");
        assertThat(first.get().statusCode()).isEqualTo(201);
        assertThat(sandbox.cardsFor(mobile)).isEqualTo(1);
    }

    @Test
    void unreadable_json_and_a_non_object_answer_400() throws Exception {
        HttpResponse<String> broken = post("/cards", "{\"firstName\": \"Asha\",");
        HttpResponse<String> array = post("/cards", "[" + request(mobile()) + "]");
        HttpResponse<String> text = post("/cards", request(mobile()), "Content-Type", "text/plain");

        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(broken.body()).get("detail").asText()).contains("line 1");
        assertThat(array.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(array.body()).get("detail").asText()).contains("/api/v1/cards/batch");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(sandbox.createCalls()).isZero();
    }

    @Test
    void a_body_over_the_size_limit_answers_413_and_nothing_is_processed() throws Exception {
        String padding = "x".repeat(MAX_BODY);
        HttpResponse<String> answer = post("/cards",
                "{\"firstName\":\"Asha\",\"lastName\":\"" + padding + "\",\"mobile\":\"" + mobile() + "\"}");

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(answer.body()).get("status").asInt()).isEqualTo(413);
        assertThat(sandbox.createCalls()).isZero();
    }

    // ------------------------------------------------------------------ API key

    @Test
    void without_a_valid_api_key_every_operation_answers_401_and_nothing_is_processed() throws Exception {
        long requestsBefore = count("card_request");
        long batchesBefore = count("card_batch");
        JsonNode paths = JSON.readTree(get("/openapi.json", null).body()).get("paths");
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            String concrete = path.getKey().replaceAll("\\{[^}]+}", "some-id");
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                for (String key : new String[] {null, "wrong-" + KEY, ""}) {
                    HttpResponse<String> answer = method.equals("post")
                            ? send(postBuilder(concrete, request(mobile()), key))
                            : get(concrete, key);
                    assertThat(answer.statusCode()).as(method + " " + concrete + " with key " + key).isEqualTo(401);
                    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                    assertThat(JSON.readTree(answer.body()).get("status").asInt()).isEqualTo(401);
                }
                checked.add(method + " " + path.getKey());
            }
        }

        assertThat(checked).hasSize(6);
        assertThat(sandbox.createCalls()).isZero();
        assertThat(count("card_request")).isEqualTo(requestsBefore);
        assertThat(count("card_batch")).isEqualTo(batchesBefore);
        assertThat(post("/cards", request(mobile()), "X-API-Key", OTHER_KEY).statusCode())
                .as("every configured key is accepted").isEqualTo(201);
    }

    @Test
    void api_keys_never_appear_in_the_log() throws Exception {
        assertThat(post("/cards", request(mobile()), "X-API-Key", OTHER_KEY).statusCode()).isEqualTo(201);
        assertThat(get("/cards/x", "wrong-" + KEY).statusCode()).isEqualTo(401);

        Path log = Path.of("target/test-logs/bundle.log");
        assertThat(log).exists();
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain(KEY).doesNotContain(OTHER_KEY)
                .contains("app.api-keys = xxxxxx");
    }

    // ------------------------------------------------------------------ batches

    @Test
    void a_json_batch_answers_202_and_its_status_shows_every_outcome_once_done() throws Exception {
        String first = mobile();
        String third = mobile();
        String body = "[" + request(first) + ",{\"firstName\":\"Ravi\",\"mobile\":\"12\"}," + request(third) + "]";

        HttpResponse<String> accepted = post("/cards/batch", body);

        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        JsonNode ticket = JSON.readTree(accepted.body());
        String batchId = ticket.get("batchId").asText();
        assertThat(location).isEqualTo("/api/v1/batches/" + batchId);
        assertThat(ticket.get("total").asInt()).isEqualTo(3);

        JsonNode status = awaitBatch(location);
        assertThat(status.get("total").asInt()).isEqualTo(3);
        assertThat(status.get("recorded").asInt()).isEqualTo(3);
        assertThat(status.get("counts").get("CREATED").asInt()).isEqualTo(2);
        assertThat(status.get("counts").get("REJECTED").asInt()).isEqualTo(1);
        JsonNode items = status.get("items");
        assertThat(items).hasSize(3);
        assertThat(items.get(0).get("requestId").asText()).isEqualTo(batchId + "#1");
        assertThat(items.get(0).get("status").asText()).isEqualTo("CREATED");
        assertThat(items.get(1).get("status").asText()).isEqualTo("REJECTED");
        assertThat(items.get(1).get("error").asText()).contains("$.mobile");
        assertThat(items.get(2).get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.cardsFor(first)).isEqualTo(1);
        assertThat(sandbox.cardsFor(third)).isEqualTo(1);
        assertThat(sandbox.createCalls()).isEqualTo(2);
    }

    @Test
    void a_batch_s_status_answers_the_page_of_outcomes_asked_for_and_400_for_a_bad_page() throws Exception {
        String body = "[" + request(mobile()) + "," + request(mobile()) + "," + request(mobile()) + "]";
        String location = post("/cards/batch", body).headers().firstValue("Location").orElseThrow();
        String batchId = awaitBatch(location).get("batchId").asText();
        String path = location.substring("/api/v1".length());

        JsonNode middle = JSON.readTree(get(path + "?offset=1&limit=1", KEY).body());
        JsonNode rest = JSON.readTree(get(path + "?offset=1", KEY).body());
        JsonNode none = JSON.readTree(get(path + "?limit=0", KEY).body());
        HttpResponse<String> bad = get(path + "?offset=-1", KEY);
        JsonNode steered = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + path)).GET()
                .header("X-API-Key", KEY).header("CamelJpaFirstResult", "2").header("CamelJpaMaximumResults", "1")
                .build()).body());

        assertThat(middle.get("offset").asInt()).isEqualTo(1);
        assertThat(middle.get("items")).hasSize(1);
        assertThat(middle.get("items").get(0).get("requestId").asText()).isEqualTo(batchId + "#2");
        assertThat(middle.get("recorded").asInt()).as("the counts cover the whole batch").isEqualTo(3);
        assertThat(rest.get("items")).hasSize(2);
        assertThat(rest.get("items").get(1).get("requestId").asText()).isEqualTo(batchId + "#3");
        assertThat(none.get("items")).isEmpty();
        assertThat(none.get("counts").get("CREATED").asInt()).isEqualTo(3);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(steered.get("items")).as("a caller's CamelJpa* headers page nothing").hasSize(3);
        assertThat(steered.get("recorded").asInt()).isEqualTo(3);
    }

    @Test
    void a_csv_batch_sent_twice_with_the_same_key_creates_each_card_once() throws Exception {
        String a = mobile();
        String b = mobile();
        String csv = "firstName,lastName,mobile,email\nAsha,Rao," + a + ",asha@example.com\nRavi,Kumar," + b
                + ",ravi@example.com\n";
        String key = "REST-CSV-" + UUID.randomUUID();

        JsonNode first = awaitBatch(send(postBuilder("/cards/batch", csv, KEY).setHeader("Content-Type", "text/csv")
                .header("Idempotency-Key", key).build()).headers().firstValue("Location").orElseThrow());
        JsonNode second = awaitBatch(send(postBuilder("/cards/batch", csv, KEY).setHeader("Content-Type", "text/csv")
                .header("Idempotency-Key", key).build()).headers().firstValue("Location").orElseThrow());

        assertThat(first.get("counts").get("CREATED").asInt()).isEqualTo(2);
        assertThat(first.get("items").get(1).get("requestId").asText()).isEqualTo(key + "#2");
        assertThat(second.get("replays").asInt()).isEqualTo(2);
        assertThat(second.get("items").get(0).get("replay").asBoolean()).isTrue();
        assertThat(sandbox.cardsFor(a)).isEqualTo(1);
        assertThat(sandbox.cardsFor(b)).isEqualTo(1);
    }

    @Test
    void an_empty_or_unreadable_batch_answers_400_and_opens_no_batch() throws Exception {
        long batchesBefore = count("card_batch");

        assertThat(post("/cards/batch", "[]").statusCode()).isEqualTo(400);
        assertThat(post("/cards/batch", "[1,2]").statusCode()).isEqualTo(400);
        assertThat(post("/cards/batch", "[{").statusCode()).isEqualTo(400);
        assertThat(count("card_batch")).isEqualTo(batchesBefore);
    }

    @Test
    void a_request_larger_than_the_ledger_holds_answers_422_naming_the_limit_and_reaches_no_one() throws Exception {
        String key = "REST-HUGE-" + UUID.randomUUID();
        String huge = "{\"firstName\":\"Asha\",\"mobile\":\"" + mobile() + "\",\"address\":\"" + "x".repeat(25_000) + "\"}";

        HttpResponse<String> answer = post("/cards", huge, "Idempotency-Key", key);

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("detail").asText()).contains("too large").contains("20000");
        assertThat(answer.body()).doesNotContainIgnoringCase("insert").doesNotContainIgnoringCase("varchar");
        assertThat(sandbox.createCalls()).isZero();
        assertThat(bundle.awaitRow(key, "REJECTED").get("request_json")).isNull();
    }

    @Test
    void a_csv_batch_with_an_unterminated_quote_answers_400_naming_the_line() throws Exception {
        long batchesBefore = count("card_batch");
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/cards/batch"))
                .header("Content-Type", "text/csv").header("X-API-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString("firstName,mobile\nAsha,9876500301\n\"Ravi,9876500302\n"))
                .build();

        HttpResponse<String> answer = send(request);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(answer.body()).get("detail").asText()).contains("line 3");
        assertThat(count("card_batch")).isEqualTo(batchesBefore);
    }

    // ------------------------------------------------------------------ reads

    @Test
    void get_answers_the_recorded_outcome_and_404_for_unknown_requests_and_batches() throws Exception {
        String key = "REST-GET-" + UUID.randomUUID();
        JsonNode created = JSON.readTree(post("/cards", request(mobile()), "Idempotency-Key", key).body());

        HttpResponse<String> known = get("/cards/" + key, KEY);
        HttpResponse<String> unknown = get("/cards/no-such-request", KEY);
        HttpResponse<String> noBatch = get("/batches/" + UUID.randomUUID(), KEY);

        assertThat(known.statusCode()).isEqualTo(200);
        JsonNode recorded = JSON.readTree(known.body());
        assertThat(recorded.get("status").asText()).isEqualTo("CREATED");
        assertThat(recorded.get("enKashCardId").asText()).isEqualTo(created.get("enKashCardId").asText());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(noBatch.statusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ OpenAPI

    @Test
    void the_openapi_document_is_served_without_a_key_and_lists_exactly_the_rest_dsl_operations()
            throws Exception {
        HttpResponse<String> answer = get("/openapi.json", null);
        HttpResponse<String> withKey = get("/openapi.json", KEY);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(withKey.statusCode()).isEqualTo(200);
        assertThat(withKey.headers().map().keySet()).as("the API key is never echoed")
                .noneMatch(h -> h.equalsIgnoreCase("X-API-Key"));
        JsonNode doc = JSON.readTree(answer.body());
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.get("servers").get(0).get("url").asText()).as("relative to wherever it is served")
                .isEqualTo("/api/v1");
        TreeSet<String> documented = new TreeSet<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey())));
        TreeSet<String> routed = new TreeSet<>();
        for (RestDefinition rest : bundle.context().getCamelContextExtension().getContextPlugin(Model.class)
                .getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                routed.add(verb.asVerb().toUpperCase() + " " + verb.getPath());
            }
        }
        assertThat(documented).isEqualTo(routed).containsExactly("GET /batches/{batchId}", "GET /cards/{requestId}",
                "POST /cards", "POST /cards/batch", "POST /cards/{requestId}/retry", "POST /enkash/login-lock/clear");
        JsonNode scheme = doc.get("components").get("securitySchemes").get("apiKey");
        assertThat(scheme.get("type").asText()).isEqualTo("apiKey");
        assertThat(scheme.get("in").asText()).isEqualTo("header");
        assertThat(scheme.get("name").asText()).isEqualTo("X-API-Key");
        assertThat(doc.get("paths").get("/cards").get("post").get("responses").fieldNames())
                .toIterable().contains("201", "200", "400", "401", "409", "413", "422", "502", "503");
    }

    @Test
    void a_method_a_path_does_not_take_answers_405_problem_with_allow() throws Exception {
        HttpResponse<String> delete = send(HttpRequest.newBuilder(URI.create(base + "/cards")).header("X-API-Key", KEY)
                .DELETE());
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(base + "/cards/SOME-ID"))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("Allow")).hasValue("POST");
        assertThat(delete.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(delete.body()).get("status").asInt()).isEqualTo(405);
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET");
        assertThat(sandbox.createCalls()).isZero();
    }

    @Test
    void a_body_type_an_operation_does_not_read_answers_415_problem() throws Exception {
        HttpResponse<String> plain = send(HttpRequest.newBuilder(URI.create(base + "/cards")).header("X-API-Key", KEY)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("mobile=9876500001")));

        assertThat(plain.statusCode()).isEqualTo(415);
        assertThat(plain.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(plain.body());
        assertThat(problem.get("detail").asText()).contains("application/json").contains("text/plain");
        assertThat(sandbox.createCalls()).isZero();
    }

    @Test
    void headers_over_the_server_s_limit_answer_431_problem() throws Exception {
        HttpRequest huge = HttpRequest.newBuilder(URI.create(base + "/cards")).version(HttpClient.Version.HTTP_1_1)
                .timeout(Duration.ofSeconds(20)).header("X-API-Key", KEY).header("Content-Type", "application/json")
                .header("X-Padding", "x".repeat(20 * 1024)).POST(HttpRequest.BodyPublishers.ofString(request(mobile())))
                .build();

        HttpResponse<String> answer = send(huge);

        assertThat(answer.statusCode()).isEqualTo(431);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.get("status").asInt()).isEqualTo(431);
        assertThat(problem.get("type").asText()).endsWith(":headers-too-large");
        assertThat(sandbox.createCalls()).isZero();
    }

    // ------------------------------------------------------------------ helpers

    private JsonNode awaitBatch(String location) throws Exception {
        return await("batch " + location + " to be DONE").atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> answer = get(location.substring("/api/v1".length()), KEY);
            return answer.statusCode() == 200 ? JSON.readTree(answer.body()) : null;
        }, batch -> batch != null && "DONE".equals(batch.get("status").asText()));
    }

    private long count(String table) throws Exception {
        return ((Number) bundle.query("select count(*) as n from " + table).get(0).get("n")).longValue();
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        return send(postRequest(path, body, headers));
    }

    private HttpRequest postRequest(String path, String body, String... headers) {
        HttpRequest.Builder builder = postBuilder(path, body, KEY);
        for (int i = 0; i < headers.length; i += 2) {
            builder.setHeader(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    private HttpRequest.Builder postBuilder(String path, String body, String key) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            builder.header("X-API-Key", key);
        }
        return builder;
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (key != null) {
            builder.header("X-API-Key", key);
        }
        return send(builder.build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) throws Exception {
        return send(builder.build());
    }
}
