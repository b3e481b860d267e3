package io.cardroutes.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.cardroutes.enkash.PayloadCipher;

class EnkashSandboxTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_KEY = "sandbox-encryption-key";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T10:00:00Z"));
    private EnkashSandbox sandbox;
    private SandboxSettings settings;

    @AfterEach
    void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private EnkashSandbox start(SandboxSettings chosen) {
        settings = chosen;
        sandbox = new EnkashSandbox(chosen, clock);
        sandbox.start();
        return sandbox;
    }

    private EnkashSandbox start() {
        return start(SandboxSettings.defaults().withEmptyCardAccounts(Set.of("EMPTY-ACC")));
    }

    // ------------------------------------------------------------------ token

    @Test
    void issues_a_token_for_the_right_credentials() throws Exception {
        start();

        HttpResponse<String> answer = tokenCall(settings.clientId(), settings.clientSecret(),
                settings.username(), settings.password(), settings.clientId());

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("access_token").asText()).isNotBlank();
        assertThat(body.path("refresh_token").asText()).isNotBlank().isNotEqualTo(body.path("access_token").asText());
        assertThat(body.path("token_type").asText()).isEqualTo("bearer");
        assertThat(body.path("expires_in").asLong()).isEqualTo(settings.tokenLifetimeSeconds());
        assertThat(body.path("scope").asText()).isEqualTo("read write");
        assertThat(sandbox.tokenCalls()).isEqualTo(1);
        assertThat(sandbox.rejectedTokenCalls()).isZero();
    }

    @Test
    void refuses_a_wrong_password_with_400_invalid_grant() throws Exception {
        start();

        HttpResponse<String> answer = tokenCall(settings.clientId(), settings.clientSecret(),
                settings.username(), "not-the-password", settings.clientId());

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("error").asText()).isEqualTo("invalid_grant");
        assertThat(body.path("error_description").asText()).isEqualTo("Bad credentials");
        assertThat(sandbox.tokenCalls()).isEqualTo(1);
        assertThat(sandbox.rejectedTokenCalls()).isEqualTo(1);
    }

    @Test
    void refuses_wrong_client_credentials_with_401() throws Exception {
        start();

        HttpResponse<String> answer = tokenCall(settings.clientId(), "wrong-secret",
                settings.username(), settings.password(), settings.clientId());

        assertThat(answer.statusCode()).isEqualTo(401);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("error").asText()).isEqualTo("unauthorized");
        assertThat(body.path("error_description").asText()).isEqualTo("Bad client credentials");
        assertThat(sandbox.rejectedTokenCalls()).isEqualTo(1);
    }

    @Test
    void three_wrong_logins_lock_the_account_until_reset() throws Exception {
        start();
        for (int i = 0; i < 3; i++) {
            assertThat(tokenCall(settings.clientId(), settings.clientSecret(), settings.username(), "wrong",
                    settings.clientId()).statusCode()).isEqualTo(400);
        }

        HttpResponse<String> fourth = tokenCall(settings.clientId(), settings.clientSecret(),
                settings.username(), settings.password(), settings.clientId());

        assertThat(fourth.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(fourth.body()).path("error_description").asText()).isEqualTo("User account is locked");
        assertThat(sandbox.tokenCalls()).isEqualTo(4);
        assertThat(sandbox.rejectedTokenCalls()).isEqualTo(4);

        sandbox.reset();
        assertThat(tokenCall(settings.clientId(), settings.clientSecret(), settings.username(), settings.password(),
                settings.clientId()).statusCode()).isEqualTo(200);
    }

    @Test
    void token_faults_are_failed_logins_that_count_towards_the_lockout() throws Exception {
        start();
        sandbox.enqueueToken(Fault.status(503), Fault.tokenWithoutAccessToken(), Fault.tokenNotJson());

        assertThat(tokenCall(settings.clientId(), settings.clientSecret(), settings.username(), settings.password(),
                settings.clientId()).statusCode()).isEqualTo(503);
        HttpResponse<String> noToken = tokenCall(settings.clientId(), settings.clientSecret(), settings.username(),
                settings.password(), settings.clientId());
        assertThat(noToken.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(noToken.body()).has("access_token")).isFalse();
        assertThat(tokenCall(settings.clientId(), settings.clientSecret(), settings.username(), settings.password(),
                settings.clientId()).body()).startsWith("<html>");

        assertThat(sandbox.longestFailedLoginRun()).isEqualTo(3);
        assertThat(sandbox.failedLogins()).isEqualTo(3);
        assertThat(JSON.readTree(tokenCall(settings.clientId(), settings.clientSecret(), settings.username(),
                settings.password(), settings.clientId()).body()).path("error_description").asText())
                .isEqualTo("User account is locked");
    }

    @Test
    void a_successful_login_clears_earlier_failures() throws Exception {
        start();
        for (int i = 0; i < 2; i++) {
            tokenCall(settings.clientId(), settings.clientSecret(), settings.username(), "wrong", settings.clientId());
        }
        assertThat(token()).isNotBlank();
        tokenCall(settings.clientId(), settings.clientSecret(), settings.username(), "wrong", settings.clientId());

        assertThat(tokenCall(settings.clientId(), settings.clientSecret(), settings.username(), settings.password(),
                settings.clientId()).statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ create: auth

    @Test
    void create_needs_a_bearer_token_and_the_partner_id() throws Exception {
        start();
        String token = token();

        HttpResponse<String> noToken = post(SandboxPaths.CREATE, null, settings.partnerId(), validCard("9876543210"));
        HttpResponse<String> unknownToken = post(SandboxPaths.CREATE, "made-up", settings.partnerId(),
                validCard("9876543210"));
        HttpResponse<String> wrongPartner = post(SandboxPaths.CREATE, token, "OTHER", validCard("9876543210"));
        HttpResponse<String> noPartner = post(SandboxPaths.CREATE, token, null, validCard("9876543210"));

        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(unknownToken.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(unknownToken.body()).path("error_description").asText())
                .isEqualTo("Invalid access token");
        assertThat(wrongPartner.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wrongPartner.body()).path("response_message").asText()).isEqualTo("Invalid partnerId");
        assertThat(JSON.readTree(wrongPartner.body()).path("response_code").asInt()).isEqualTo(1);
        assertThat(noPartner.statusCode()).isEqualTo(400);
        assertThat(sandbox.cards()).isEmpty();
        assertThat(sandbox.createCalls()).isEqualTo(4);
    }

    @Test
    void creates_a_card_and_echoes_the_request() throws Exception {
        start();

        HttpResponse<String> answer = create(token(), validCard("9876543210"));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("code").asInt()).isZero();
        assertThat(body.path("message").asText()).isEqualTo("Success");
        JsonNode payload = body.path("payload");
        assertThat(payload.path("enKashCardId").asText()).matches("EKC\\d{12}");
        assertThat(payload.path("maskedNumber").asText()).matches("X{12}\\d{4}");
        assertThat(payload.path("cardStatus").path("name").asText()).isEqualTo("L");
        assertThat(payload.path("cardStatus").path("label").asText()).isEqualTo("Locked");
        assertThat(payload.path("kycStatus").asText()).isEqualTo("MIN_KYC_PENDING");
        assertThat(payload.path("cardActivated").asBoolean(true)).isFalse();
        assertThat(payload.path("companyId").asText()).isEqualTo("COMP-1");
        assertThat(payload.path("cardAccountId").asText()).isEqualTo("ACC-1");
        assertThat(payload.path("firstName").asText()).isEqualTo("Asha");
        assertThat(payload.path("mobile").asText()).isEqualTo("9876543210");
        assertThat(payload.path("email").asText()).isEqualTo("asha@example.com");
        assertThat(payload.path("createdDate").asText()).startsWith("2025-01-01T10:00");
        assertThat(sandbox.cards()).hasSize(1);
        assertThat(sandbox.cards().get(0)).containsEntry("enKashCardId", payload.path("enKashCardId").asText());
        assertThat(sandbox.cardsFor("9876543210")).isEqualTo(1);
        assertThat(sandbox.cardsFor("9000000000")).isZero();
    }

    @Test
    void an_expired_token_is_refused_with_401_after_expire_all_tokens() throws Exception {
        start();
        String token = token();
        assertThat(create(token, validCard("9876543210")).statusCode()).isEqualTo(200);

        sandbox.expireAllTokens();
        HttpResponse<String> answer = create(token, validCard("9876543211"));

        assertThat(answer.statusCode()).isEqualTo(401);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("error").asText()).isEqualTo("invalid_token");
        assertThat(body.path("error_description").asText()).isEqualTo("Access token expired");
        assertThat(sandbox.cards()).hasSize(1);
        assertThat(create(token(), validCard("9876543211")).statusCode()).isEqualTo(200);
    }

    @Test
    void a_token_expires_when_the_clock_passes_its_lifetime() throws Exception {
        start(SandboxSettings.defaults().withTokenLifetimeSeconds(60));
        String token = token();
        clock.advance(Duration.ofSeconds(59));
        assertThat(create(token, validCard("9876543210")).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(1));

        assertThat(create(token, validCard("9876543211")).statusCode()).isEqualTo(401);
    }

    // ------------------------------------------------------------------ create: validation and refusals

    static Stream<Arguments> invalidCards() {
        return Stream.of(
                Arguments.of("{\"companyId\":\"COMP-1\",\"cardAccountId\":\"ACC-1\",\"mobile\":\"98765\"}", "mobile"),
                Arguments.of("{\"companyId\":\"COMP-1\",\"cardAccountId\":\"ACC-1\",\"mobile\":\"98765432AB\"}", "mobile"),
                Arguments.of("{\"companyId\":\"COMP-1\",\"cardAccountId\":\"ACC-1\",\"email\":\"not-an-email\"}", "email"),
                Arguments.of("{\"companyId\":\"COMP-1\",\"mobile\":\"9876543210\"}", "cardAccountId"),
                Arguments.of("{\"companyId\":\"COMP-1\",\"cardAccountId\":\"\"}", "cardAccountId"),
                Arguments.of("{\"cardAccountId\":\"ACC-1\"}", "companyId"),
                Arguments.of("not json at all", "Malformed"));
    }

    @ParameterizedTest
    @MethodSource("invalidCards")
    void refuses_an_invalid_card_request_with_400(String body, String mentioned) throws Exception {
        start();

        HttpResponse<String> answer = create(token(), body);

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonNode json = JSON.readTree(answer.body());
        assertThat(json.path("response_code").asInt()).isEqualTo(1);
        assertThat(json.path("response_message").asText()).contains(mentioned);
        assertThat(json.get("payload").isNull()).isTrue();
        assertThat(sandbox.cards()).isEmpty();
    }

    @Test
    void accepts_unknown_fields() throws Exception {
        start();
        ObjectNode card = (ObjectNode) JSON.readTree(validCard("9876543210"));
        card.put("favouriteColour", "teal");

        HttpResponse<String> answer = create(token(), card.toString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(sandbox.cards()).hasSize(1);
    }

    @Test
    void refuses_an_empty_card_account_with_a_business_answer() throws Exception {
        start();

        HttpResponse<String> answer = create(token(), card("EMPTY-ACC", "9876543210"));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("response_code").asInt()).isEqualTo(1);
        assertThat(body.path("response_message").asText()).isEqualTo("Insufficient balance in card account");
        assertThat(body.path("payload").asText()).isEqualTo("Insufficient balance in card account");
        assertThat(sandbox.cards()).isEmpty();
        assertThat(sandbox.cardsFor("9876543210")).isZero();
    }

    // ------------------------------------------------------------------ faults

    @Test
    void applies_queued_faults_in_order_then_succeeds() throws Exception {
        start();
        String token = token();
        sandbox.enqueue(Fault.status(503), Fault.status(429, 7));

        HttpResponse<String> first = create(token, validCard("9876543210"));
        HttpResponse<String> second = create(token, validCard("9876543210"));
        HttpResponse<String> third = create(token, validCard("9876543210"));

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(first.body()).path("response_message").asText()).isEqualTo("Service Unavailable");
        assertThat(JSON.readTree(first.body()).path("response_code").asInt()).isEqualTo(1);
        assertThat(first.headers().firstValue("Retry-After")).isEmpty();
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(JSON.readTree(second.body()).path("response_message").asText()).isEqualTo("Too Many Requests");
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(sandbox.cards()).hasSize(1);
        assertThat(sandbox.cardsFor("9876543210")).isEqualTo(1);
        assertThat(sandbox.createCallsReceived()).extracting(RecordedCall::status).containsExactly(503, 429, 200);
    }

    @Test
    void answer_lost_creates_the_card_and_answers_504() throws Exception {
        start();
        sandbox.enqueue(Fault.answerLost(504));

        HttpResponse<String> answer = create(token(), validCard("9876543210"));

        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(JSON.readTree(answer.body()).path("response_message").asText()).isEqualTo("Gateway Timeout");
        assertThat(sandbox.cards()).hasSize(1);
        assertThat(sandbox.cardsFor("9876543210")).isEqualTo(1);
    }

    @Test
    void a_business_refusal_fault_creates_no_card() throws Exception {
        start();
        sandbox.enqueue(Fault.businessRefusal("Card limit reached for user"));

        HttpResponse<String> answer = create(token(), validCard("9876543210"));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("response_code").asInt()).isEqualTo(1);
        assertThat(body.path("response_message").asText()).isEqualTo("Card limit reached for user");
        assertThat(body.path("payload").asText()).isEqualTo("Card limit reached for user");
        assertThat(sandbox.cards()).isEmpty();
    }

    @Test
    void stall_before_create_answers_504_without_a_card() throws Exception {
        start();
        sandbox.enqueue(Fault.stallBeforeCreate(0));

        HttpResponse<String> answer = create(token(), validCard("9876543210"));

        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(sandbox.cards()).isEmpty();
    }

    @Test
    void a_stalled_answer_times_the_client_out_but_the_card_exists() throws Exception {
        start();
        String token = token();
        sandbox.enqueue(Fault.stall(30_000));
        HttpRequest request = createRequest(token, settings.partnerId(), validCard("9876543210"))
                .timeout(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);

        assertThat(sandbox.cards()).hasSize(1);
        assertThat(sandbox.createCallsReceived()).extracting(RecordedCall::status).containsExactly(200);
    }

    @Test
    void faults_are_not_spent_on_requests_that_fail_the_checks() throws Exception {
        start();
        sandbox.enqueue(Fault.status(503));

        assertThat(post(SandboxPaths.CREATE, "made-up", settings.partnerId(), validCard("9876543210")).statusCode())
                .isEqualTo(401);
        assertThat(sandbox.pendingFaults()).isEqualTo(1);
        assertThat(create(token(), validCard("9876543210")).statusCode()).isEqualTo(503);
        assertThat(sandbox.pendingFaults()).isZero();
    }

    @Test
    void random_faults_follow_the_configured_shares() throws Exception {
        start(SandboxSettings.defaults().withRandomFaults(0.0, 1.0, 3));
        String token = token();

        HttpResponse<String> answer = create(token, validCard("9876543210"));

        assertThat(answer.statusCode()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(sandbox.cards()).isEmpty();

        sandbox.close();
        start(SandboxSettings.defaults().withRandomFaults(1.0, 0.0, 3));
        assertThat(create(token(), validCard("9876543210")).statusCode()).isEqualTo(503);
        assertThat(sandbox.cards()).isEmpty();
    }

    // ------------------------------------------------------------------ search

    @Test
    void search_lists_the_cards_of_a_company_and_account() throws Exception {
        start();
        String token = token();
        create(token, card("ACC-1", "9876543210"));
        create(token, card("ACC-1", "9876543211"));
        create(token, card("ACC-2", "9876543212"));

        HttpResponse<String> answer = post(SandboxPaths.SEARCH, token, settings.partnerId(),
                "{\"companyId\":\"COMP-1\",\"cardAccountId\":\"ACC-1\"}");

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("code").asInt()).isZero();
        assertThat(body.path("message").asText()).isEqualTo("Success");
        assertThat(body.path("payload").path("recordsCount").asInt()).isEqualTo(2);
        List<String> mobiles = new ArrayList<>();
        body.path("payload").path("data").forEach(card -> mobiles.add(card.path("mobile").asText()));
        assertThat(mobiles).containsExactly("9876543210", "9876543211");
        assertThat(sandbox.searchCalls()).isEqualTo(1);
    }

    @Test
    void search_by_card_id_answers_that_card_or_card_not_found() throws Exception {
        start();
        String token = token();
        String cardId = JSON.readTree(create(token, validCard("9876543210")).body())
                .path("payload").path("enKashCardId").asText();

        HttpResponse<String> found = post(SandboxPaths.SEARCH, token, settings.partnerId(),
                "{\"companyId\":\"COMP-1\",\"cardAccountId\":\"ACC-1\",\"enKashCardId\":\"" + cardId + "\"}");
        HttpResponse<String> missing = post(SandboxPaths.SEARCH, token, settings.partnerId(),
                "{\"companyId\":\"COMP-1\",\"cardAccountId\":\"ACC-1\",\"enKashCardId\":\"EKC000000000000\"}");

        assertThat(found.statusCode()).isEqualTo(200);
        JsonNode foundBody = JSON.readTree(found.body());
        assertThat(foundBody.path("response_code").asInt()).isZero();
        assertThat(foundBody.path("response_message").asText()).isEqualTo("Success");
        assertThat(foundBody.path("payload").path("enKashCardId").asText()).isEqualTo(cardId);
        assertThat(foundBody.path("payload").path("mobile").asText()).isEqualTo("9876543210");
        assertThat(missing.statusCode()).isEqualTo(200);
        JsonNode missingBody = JSON.readTree(missing.body());
        assertThat(missingBody.path("response_code").asInt()).isEqualTo(1);
        assertThat(missingBody.path("response_message").asText()).isEqualTo("Card not found");
        assertThat(missingBody.get("payload").isNull()).isTrue();
    }

    // ------------------------------------------------------------------ encryption

    @Test
    void encryption_round_trip_and_plain_bodies_are_refused() throws Exception {
        start(SandboxSettings.defaults().withEncryption(SECRET_KEY));
        PayloadCipher cipher = new PayloadCipher(SECRET_KEY);
        String token = token();

        HttpResponse<String> wrapped = create(token, cipher.wrap(validCard("9876543210")));
        HttpResponse<String> plain = create(token, validCard("9876543211"));

        assertThat(wrapped.statusCode()).isEqualTo(200);
        JsonNode envelope = JSON.readTree(wrapped.body());
        assertThat(envelope.fieldNames()).toIterable().containsExactly("request");
        JsonNode answer = JSON.readTree(cipher.unwrap(wrapped.body()));
        assertThat(answer.path("code").asInt()).isZero();
        assertThat(answer.path("payload").path("mobile").asText()).isEqualTo("9876543210");
        assertThat(plain.statusCode()).isEqualTo(400);
        JsonNode refusal = JSON.readTree(cipher.unwrap(plain.body()));
        assertThat(refusal.path("response_message").asText()).isEqualTo("Payload must be encrypted");
        assertThat(sandbox.cards()).hasSize(1);
        assertThat(sandbox.createCallsReceived().get(0).body()).isEqualTo(validCard("9876543210"));

        HttpResponse<String> search = post(SandboxPaths.SEARCH, token, settings.partnerId(),
                cipher.wrap("{\"companyId\":\"COMP-1\",\"cardAccountId\":\"ACC-1\"}"));
        assertThat(JSON.readTree(cipher.unwrap(search.body())).path("payload").path("recordsCount").asInt())
                .isEqualTo(1);
    }

    @Test
    void the_token_call_is_never_encrypted() throws Exception {
        start(SandboxSettings.defaults().withEncryption(SECRET_KEY));

        HttpResponse<String> answer = tokenCall(settings.clientId(), settings.clientSecret(), settings.username(),
                settings.password(), settings.clientId());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("access_token").asText()).isNotBlank();
    }

    // ------------------------------------------------------------------ recording, routing, concurrency, reset

    @Test
    void records_create_calls_with_lower_case_headers_and_status() throws Exception {
        start();
        String token = token();
        create(token, validCard("9876543210"));
        create(token, "{\"companyId\":\"COMP-1\"}");

        List<RecordedCall> calls = sandbox.createCallsReceived();

        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).headers()).containsEntry("partnerid", settings.partnerId())
                .containsEntry("authorization", "Bearer " + token)
                .containsKey("content-type");
        assertThat(calls.get(0).body()).isEqualTo(validCard("9876543210"));
        assertThat(calls.get(0).status()).isEqualTo(200);
        assertThat(calls.get(1).status()).isEqualTo(400);
        assertThat(calls.get(1).body()).isEqualTo("{\"companyId\":\"COMP-1\"}");
    }

    @Test
    void unknown_paths_answer_404_and_wrong_methods_405() throws Exception {
        start();

        HttpResponse<String> unknown = post("/api/v0/partner/nothing", token(), settings.partnerId(), "{}");
        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(uri(SandboxPaths.CREATE)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("status").asInt()).isEqualTo(404);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(sandbox.cards()).isEmpty();
    }

    @Test
    void keeps_every_card_under_concurrent_creates() throws Exception {
        start();
        String token = token();
        int calls = 200;
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String mobile = String.format("9%09d", i % 50);
            answers.add(http.sendAsync(createRequest(token, settings.partnerId(), validCard(mobile)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        Set<String> ids = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get();
            assertThat(response.statusCode()).isEqualTo(200);
            ids.add(JSON.readTree(response.body()).path("payload").path("enKashCardId").asText());
        }

        assertThat(ids).hasSize(calls);
        assertThat(sandbox.cards()).hasSize(calls);
        assertThat(sandbox.createCalls()).isEqualTo(calls);
        assertThat(sandbox.createCallsReceived()).hasSize(calls);
        assertThat(sandbox.cardsFor("9000000007")).isEqualTo(calls / 50);
    }

    @Test
    void reset_forgets_cards_counters_tokens_and_faults() throws Exception {
        start();
        String token = token();
        create(token, validCard("9876543210"));
        sandbox.enqueue(Fault.status(503));

        sandbox.reset();

        assertThat(sandbox.cards()).isEmpty();
        assertThat(sandbox.createCallsReceived()).isEmpty();
        assertThat(sandbox.tokenCalls()).isZero();
        assertThat(sandbox.createCalls()).isZero();
        assertThat(sandbox.cardsFor("9876543210")).isZero();
        assertThat(create(token, validCard("9876543210")).statusCode()).isEqualTo(401);
        assertThat(create(token(), validCard("9876543210")).statusCode()).isEqualTo(200);
    }

    @Test
    void listens_on_a_free_port_when_asked_for_port_zero() {
        start();

        assertThat(sandbox.port()).isPositive();
        assertThat(settings.port()).isZero();
    }

    // ------------------------------------------------------------------ helpers

    private static final class SandboxPaths {
        static final String CREATE = EnkashSandbox.CREATE_PATH;
        static final String SEARCH = EnkashSandbox.SEARCH_PATH;
    }

    private static String validCard(String mobile) {
        return card("ACC-1", mobile);
    }

    private static String card(String cardAccountId, String mobile) {
        return "{\"companyId\":\"COMP-1\",\"cardAccountId\":\"" + cardAccountId + "\",\"userId\":\"U-" + mobile
                + "\",\"firstName\":\"Asha\",\"lastName\":\"Rao\",\"mobile\":\"" + mobile
                + "\",\"email\":\"asha@example.com\",\"physicalCard\":false}";
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + sandbox.port() + path);
    }

    private HttpResponse<String> tokenCall(String clientId, String clientSecret, String username, String password,
            String formClientId) throws Exception {
        String basic = Base64.getEncoder()
                .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        String form = "username=" + enc(username) + "&password=" + enc(password) + "&grant_type=password&clientId="
                + enc(formClientId);
        HttpRequest request = HttpRequest.newBuilder(uri("/oauth/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String token() throws Exception {
        HttpResponse<String> answer = tokenCall(settings.clientId(), settings.clientSecret(), settings.username(),
                settings.password(), settings.clientId());
        assertThat(answer.statusCode()).isEqualTo(200);
        return JSON.readTree(answer.body()).path("access_token").asText();
    }

    private HttpRequest.Builder createRequest(String token, String partnerId, String body) {
        return request(SandboxPaths.CREATE, token, partnerId, body);
    }

    private HttpRequest.Builder request(String path, String token, String partnerId, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (partnerId != null) {
            builder.header("partnerId", partnerId);
        }
        return builder;
    }

    private HttpResponse<String> create(String token, String body) throws Exception {
        return post(SandboxPaths.CREATE, token, settings.partnerId(), body);
    }

    private HttpResponse<String> post(String path, String token, String partnerId, String body) throws Exception {
        return http.send(request(path, token, partnerId, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration duration) {
            now.updateAndGet(instant -> instant.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
