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
import org.junit.jupiter.params.provider.ValueSource;

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

    // ------------------------------------------------------------------ create faults: EnKash answers badly

    @Test
    void a_status_500_fault_answers_before_creating_so_no_card_exists() throws Exception {
        start();
        sandbox.enqueue(Fault.status(500));

        HttpResponse<String> answer = create(token(), validCard("9876543210"));

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(answer.body()).path("response_code").asInt()).isEqualTo(1);
        assertThat(sandbox.cards()).isEmpty();
        assertThat(sandbox.createCallsReceived()).extracting(RecordedCall::status).containsExactly(500);
    }

    @Test
    void an_unreadable_answer_creates_the_card_and_answers_200_with_a_body_that_is_not_json() throws Exception {
        start();
        sandbox.enqueue(Fault.unreadableAnswer());

        HttpResponse<String> answer = create(token(), validCard("9876543210"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(readable(answer.body(), null)).isFalse();
        assertThat(sandbox.cardsFor("9876543210")).isEqualTo(1);
        assertThat(sandbox.createCallsReceived()).extracting(RecordedCall::status).containsExactly(200);
    }

    @Test
    void with_encryption_an_unreadable_answer_is_an_envelope_the_partner_key_does_not_open() throws Exception {
        start(SandboxSettings.defaults().withEncryption(SECRET_KEY));
        PayloadCipher cipher = new PayloadCipher(SECRET_KEY);
        sandbox.enqueue(Fault.unreadableAnswer());

        HttpResponse<String> answer = create(token(), cipher.wrap(validCard("9876543210")));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode envelope = JSON.readTree(answer.body());
        assertThat(envelope.fieldNames()).toIterable().containsExactly("request");
        assertThat(envelope.path("request").asText()).isBase64();
        assertThat(readable(answer.body(), cipher)).isFalse();
        assertThat(sandbox.cardsFor("9876543210")).isEqualTo(1);
    }

    @ParameterizedTest(name = "encryption {0}")
    @ValueSource(booleans = {false, true})
    void a_truncated_answer_creates_the_card_and_sends_the_answer_cut_short(boolean encryption) throws Exception {
        start(encryption ? SandboxSettings.defaults().withEncryption(SECRET_KEY) : SandboxSettings.defaults());
        PayloadCipher cipher = encryption ? new PayloadCipher(SECRET_KEY) : null;
        sandbox.enqueue(Fault.truncatedAnswer());

        HttpResponse<String> answer = create(token(), encryption ? cipher.wrap(validCard("9876543210"))
                : validCard("9876543210"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).startsWith(encryption ? "{\"request\":\"" : "{\"code\":0,");
        assertThat(readable(answer.body(), cipher)).isFalse();
        assertThat(answer.headers().firstValueAsLong("Content-Length"))
                .hasValue(answer.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(sandbox.cardsFor("9876543210")).isEqualTo(1);
    }

    @Test
    void success_without_card_id_creates_the_card_but_its_answer_names_no_id() throws Exception {
        start();
        sandbox.enqueue(Fault.successWithoutCardId());

        HttpResponse<String> answer = create(token(), validCard("9876543210"));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("code").asInt()).isZero();
        assertThat(body.path("message").asText()).isEqualTo("Success");
        assertThat(body.path("payload").has("enKashCardId")).isFalse();
        assertThat(body.path("payload").path("mobile").asText()).isEqualTo("9876543210");
        assertThat(sandbox.cards()).hasSize(1);
        assertThat((String) sandbox.cards().get(0).get("enKashCardId")).matches("EKC\\d{12}");
    }

    @Test
    void an_error_envelope_on_create_answers_200_with_response_code_1_and_creates_no_card() throws Exception {
        start();
        sandbox.enqueue(Fault.errorEnvelope("Try again later"));

        HttpResponse<String> answer = create(token(), validCard("9876543210"));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("response_code").asInt()).isEqualTo(1);
        assertThat(body.path("response_message").asText()).isEqualTo("Try again later");
        assertThat(body.get("payload").isNull()).isTrue();
        assertThat(sandbox.cards()).isEmpty();
    }

    @Test
    void each_queue_refuses_faults_of_the_other_kind_of_call() {
        start();

        assertThatThrownBy(() -> sandbox.enqueue(Fault.partialListing(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Create fault");
        assertThatThrownBy(() -> sandbox.enqueueSearch(Fault.answerLost(504)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a search fault");
        assertThat(sandbox.pendingFaults()).isZero();
        assertThat(sandbox.pendingSearchFaults()).isZero();
    }

    // ------------------------------------------------------------------ search faults and page size

    @Test
    void a_search_error_envelope_answers_200_with_response_code_1_then_the_next_search_lists() throws Exception {
        start();
        String token = token();
        create(token, validCard("9876543210"));
        sandbox.enqueueSearch(Fault.errorEnvelope("Unable to fetch cards"));

        HttpResponse<String> first = search(token, null);
        HttpResponse<String> second = search(token, null);

        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(first.body());
        assertThat(body.path("response_code").asInt()).isEqualTo(1);
        assertThat(body.path("response_message").asText()).isEqualTo("Unable to fetch cards");
        assertThat(body.get("payload").isNull()).isTrue();
        assertThat(JSON.readTree(second.body()).path("payload").path("recordsCount").asInt()).isEqualTo(1);
        assertThat(sandbox.pendingSearchFaults()).isZero();
    }

    @Test
    void search_status_faults_answer_the_status_with_the_error_body_and_retry_after() throws Exception {
        start();
        String token = token();
        sandbox.enqueueSearch(Fault.status(503, 2), Fault.status(500));

        HttpResponse<String> first = search(token, null);
        HttpResponse<String> second = search(token, null);

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(JSON.readTree(first.body()).path("response_message").asText()).isEqualTo("Service Unavailable");
        assertThat(second.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(second.body()).path("response_code").asInt()).isEqualTo(1);
        assertThat(search(token, null).statusCode()).isEqualTo(200);
    }

    @Test
    void a_partial_listing_counts_every_card_but_lists_only_the_first_ones() throws Exception {
        start();
        String token = token();
        create(token, validCard("9876543210"));
        create(token, validCard("9876543211"));
        create(token, validCard("9876543212"));
        sandbox.enqueueSearch(Fault.partialListing(1));

        JsonNode payload = JSON.readTree(search(token, null).body()).path("payload");

        assertThat(payload.path("recordsCount").asInt()).isEqualTo(3);
        assertThat(mobiles(payload)).containsExactly("9876543210");
        assertThat(mobiles(JSON.readTree(search(token, null).body()).path("payload"))).hasSize(3);
    }

    @Test
    void a_search_page_size_lists_at_most_that_many_cards_with_the_full_records_count() throws Exception {
        start(SandboxSettings.defaults().withSearchPageSize(2));
        String token = token();
        for (int i = 0; i < 5; i++) {
            create(token, validCard("987654321" + i));
        }
        sandbox.enqueueSearch(Fault.partialListing(1));

        JsonNode partial = JSON.readTree(search(token, null).body()).path("payload");
        JsonNode paged = JSON.readTree(search(token, null).body()).path("payload");

        assertThat(partial.path("recordsCount").asInt()).isEqualTo(5);
        assertThat(mobiles(partial)).containsExactly("9876543210");
        assertThat(paged.path("recordsCount").asInt()).isEqualTo(5);
        assertThat(mobiles(paged)).containsExactly("9876543210", "9876543211");
    }

    @Test
    void an_unreadable_search_answer_is_not_json_without_encryption() throws Exception {
        start();
        String token = token();
        sandbox.enqueueSearch(Fault.unreadableAnswer());

        HttpResponse<String> answer = search(token, null);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(readable(answer.body(), null)).isFalse();
    }

    @Test
    void with_encryption_an_unreadable_search_answer_does_not_decrypt() throws Exception {
        start(SandboxSettings.defaults().withEncryption(SECRET_KEY));
        PayloadCipher cipher = new PayloadCipher(SECRET_KEY);
        String token = token();
        sandbox.enqueueSearch(Fault.unreadableAnswer(), Fault.truncatedAnswer());

        HttpResponse<String> unreadable = search(token, cipher);
        HttpResponse<String> truncated = search(token, cipher);

        assertThat(unreadable.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(unreadable.body()).path("request").asText()).isBase64();
        assertThat(readable(unreadable.body(), cipher)).isFalse();
        assertThat(truncated.statusCode()).isEqualTo(200);
        assertThat(readable(truncated.body(), cipher)).isFalse();
        assertThat(readable(search(token, cipher).body(), cipher)).isTrue();
    }

    @Test
    void search_faults_are_not_spent_on_requests_that_fail_the_checks() throws Exception {
        start();
        String token = token();
        sandbox.enqueueSearch(Fault.status(503));

        assertThat(post(SandboxPaths.SEARCH, "made-up", settings.partnerId(), "{\"companyId\":\"COMP-1\","
                + "\"cardAccountId\":\"ACC-1\"}").statusCode()).isEqualTo(401);
        assertThat(post(SandboxPaths.SEARCH, token, settings.partnerId(), "{\"companyId\":\"COMP-1\"}").statusCode())
                .isEqualTo(400);
        assertThat(sandbox.pendingSearchFaults()).isEqualTo(1);
        assertThat(search(token, null).statusCode()).isEqualTo(503);
        assertThat(sandbox.pendingSearchFaults()).isZero();
    }

    // ------------------------------------------------------------------ cards from before

    @Test
    void a_seeded_card_is_listed_with_its_old_created_date_but_is_no_create_call() throws Exception {
        start();
        Instant issued = Instant.parse("2024-06-01T08:00:00Z");
        String seededId = sandbox.seedCard(Map.of("companyId", "COMP-1", "cardAccountId", "ACC-1",
                "firstName", "Asha", "lastName", "Rao", "mobile", "9876543210", "email", "asha@example.com"), issued);
        String token = token();
        create(token, validCard("9876543210"));

        JsonNode data = JSON.readTree(search(token, null).body()).path("payload").path("data");

        assertThat(seededId).matches("EKC\\d{12}");
        assertThat(data).hasSize(2);
        assertThat(data.get(0).path("enKashCardId").asText()).isEqualTo(seededId);
        assertThat(data.get(0).path("createdDate").asText()).isEqualTo("2024-06-01T08:00:00Z");
        assertThat(data.get(0).path("cardStatus").path("name").asText()).isEqualTo("L");
        assertThat(data.get(0).path("kycStatus").asText()).isEqualTo("MIN_KYC_PENDING");
        assertThat(data.get(0).path("maskedNumber").asText()).matches("X{12}\\d{4}");
        assertThat(data.get(1).path("createdDate").asText()).startsWith("2025-01-01T10:00");
        assertThat(sandbox.cards()).hasSize(2);
        assertThat(sandbox.cardsFor("9876543210")).isEqualTo(2);
        assertThat(sandbox.cardsCreatedFor("9876543210")).isEqualTo(1);
        assertThat(sandbox.createCalls()).isEqualTo(1);
        assertThat(sandbox.createCallsReceived()).hasSize(1);
    }

    @Test
    void a_seeded_card_must_pass_the_rules_a_created_card_passes() {
        start();

        assertThatThrownBy(() -> sandbox.seedCard(Map.of("companyId", "COMP-1", "mobile", "12345"),
                Instant.parse("2024-06-01T08:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cardAccountId is required").hasMessageContaining("Invalid mobile");
        assertThat(sandbox.cards()).isEmpty();
    }

    @Test
    void existing_card_mobiles_hold_a_card_from_a_day_before_start_again_after_reset() throws Exception {
        start(SandboxSettings.defaults().withExistingCards("COMP-1", "ACC-1", Set.of("9876543210")));

        JsonNode listed = JSON.readTree(search(token(), null).body()).path("payload");
        sandbox.reset();

        assertThat(listed.path("recordsCount").asInt()).isEqualTo(1);
        assertThat(listed.path("data").get(0).path("mobile").asText()).isEqualTo("9876543210");
        assertThat(listed.path("data").get(0).path("createdDate").asText()).isEqualTo("2024-12-31T10:00:00Z");
        assertThat(sandbox.cardsFor("9876543210")).isEqualTo(1);
        assertThat(sandbox.cardsCreatedFor("9876543210")).isZero();
        assertThat(sandbox.createCalls()).isZero();
    }

    @Test
    void configured_faults_are_queued_at_start_and_again_on_reset() throws Exception {
        start(SandboxSettings.defaults().withCreateFaults(Fault.parse("status:503, answer-lost:504"))
                .withSearchFaults(Fault.parseSearch("error-envelope")));
        String token = token();

        assertThat(create(token, validCard("9876543210")).statusCode()).isEqualTo(503);
        assertThat(create(token, validCard("9876543210")).statusCode()).isEqualTo(504);
        assertThat(create(token, validCard("9876543210")).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(search(token, null).body()).path("response_code").asInt()).isEqualTo(1);
        assertThat(sandbox.cardsCreatedFor("9876543210")).isEqualTo(2);
        sandbox.reset();
        assertThat(sandbox.pendingFaults()).isEqualTo(2);
        assertThat(sandbox.pendingSearchFaults()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ fault lists (the properties' syntax)

    @Test
    void parses_every_create_fault_entry() {
        List<Fault> faults = Fault.parse("answer-lost:504, unreadable, truncated, no-card-id, status:500, "
                + "status:503:2, stall:3000, stall-before-create:100, refusal:Insufficient balance, error-envelope");

        assertThat(faults).extracting(Fault::toString).containsExactly("Fault.answerLost(504)",
                "Fault.unreadableAnswer()", "Fault.truncatedAnswer()", "Fault.successWithoutCardId()",
                "Fault.status(500)", "Fault.status(503, 2)", "Fault.stall(3000)", "Fault.stallBeforeCreate(100)",
                "Fault.businessRefusal(Insufficient balance)", "Fault.errorEnvelope(Unable to process the request)");
        assertThat(Fault.parse("  ")).isEmpty();
        assertThat(Fault.parse(null)).isEmpty();
    }

    @Test
    void parses_every_search_fault_entry() {
        List<Fault> faults = Fault.parseSearch("error-envelope:Try later, partial:1, status:503, status:429:4, "
                + "unreadable, truncated");

        assertThat(faults).extracting(Fault::toString).containsExactly("Fault.errorEnvelope(Try later)",
                "Fault.partialListing(1)", "Fault.status(503)", "Fault.status(429, 4)", "Fault.unreadableAnswer()",
                "Fault.truncatedAnswer()");
        assertThat(faults.get(1).listed()).isEqualTo(1);
    }

    static Stream<Arguments> badFaultLists() {
        return Stream.of(
                Arguments.of(false, "status:503, statu:500", "'statu:500'"),
                Arguments.of(false, "status:abc", "'status:abc'"),
                Arguments.of(false, "status:700", "'status:700'"),
                Arguments.of(false, "answer-lost", "'answer-lost'"),
                Arguments.of(false, "unreadable:1", "'unreadable:1'"),
                Arguments.of(false, "refusal", "'refusal'"),
                Arguments.of(false, "partial:1", "not a Create fault"),
                Arguments.of(true, "answer-lost:504", "not a search fault"),
                Arguments.of(true, "partial:-1", "'partial:-1'"),
                Arguments.of(true, "no-card-id", "'no-card-id'"));
    }

    @ParameterizedTest
    @MethodSource("badFaultLists")
    void refuses_a_bad_fault_entry_naming_it(boolean search, String list, String named) {
        assertThatThrownBy(() -> {
            if (search) {
                Fault.parseSearch(list);
            } else {
                Fault.parse(list);
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named).hasMessageContaining("expected");
    }

    @Test
    void settings_refuse_a_negative_page_size_faults_of_the_wrong_call_and_cards_without_an_account() {
        SandboxSettings defaults = SandboxSettings.defaults();

        assertThat(defaults.searchPageSize()).isZero();
        assertThat(defaults.createFaults()).isEmpty();
        assertThatThrownBy(() -> defaults.withSearchPageSize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withCreateFaults(List.of(Fault.partialListing(1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withSearchFaults(List.of(Fault.stall(1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withExistingCards("", "ACC-1", Set.of("9876543210")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(defaults.withEncryption(SECRET_KEY).withSearchPageSize(3).toString())
                .doesNotContain(SECRET_KEY).doesNotContain(defaults.clientSecret()).contains("searchPageSize=3");
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

    private HttpResponse<String> search(String token, PayloadCipher cipher) throws Exception {
        String body = "{\"companyId\":\"COMP-1\",\"cardAccountId\":\"ACC-1\"}";
        return post(SandboxPaths.SEARCH, token, settings.partnerId(), cipher == null ? body : cipher.wrap(body));
    }

    private static List<String> mobiles(JsonNode payload) {
        List<String> mobiles = new ArrayList<>();
        payload.path("data").forEach(card -> mobiles.add(card.path("mobile").asText()));
        return mobiles;
    }

    /** Whether a client could read the answer: an object, after unwrapping when there is a cipher. */
    private static boolean readable(String body, PayloadCipher cipher) {
        try {
            JsonNode node = JSON.readTree(cipher == null ? body : cipher.unwrap(body));
            return node != null && node.isObject() && (cipher == null || !node.has("request"));
        } catch (IllegalStateException | java.io.IOException unreadable) {
            return false;
        }
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
