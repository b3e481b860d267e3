package io.cardroutes.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.enkash.CredentialsRejectedException;
import io.cardroutes.ops.CardOperations;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.OutsideEnkash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failed-login count lives in the database: restarts do not forget it, every login that yields
 * no usable token counts, and only an operator (JMX or the REST call) lets the bundle log in again.
 * EnKash is a sandbox of the test's own, so it outlives the bundles started against it.
 */
class LoginLockTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EnkashSandbox enkash;

    @TempDir
    Path home;

    @BeforeAll
    static void startEnkash() {
        enkash = OutsideEnkash.start(0, 8);
    }

    @AfterAll
    static void stopEnkash() {
        enkash.stop();
    }

    @BeforeEach
    void freshEnkash() {
        enkash.reset();
    }

    @Test
    void the_failed_login_count_survives_restarts_so_a_third_run_with_a_wrong_password_makes_no_login()
            throws Exception {
        List<String> errors = new ArrayList<>();
        for (int run = 1; run <= 3; run++) {
            try (Bundle bundle = Bundle.startAt(home, against(Map.of("enkash.password", "not-the-password")))) {
                JsonNode outcome = once(bundle, "RESTART-" + run);
                assertThat(outcome.get("status").asText()).isEqualTo("FAILED");
                errors.add(outcome.get("error").asText());
                if (run == 3) {
                    assertThat(bundle.query("select failures from enkash_login_guard").get(0).get("failures"))
                            .isEqualTo(2);
                }
            }
        }

        assertThat(errors).containsExactly(CredentialsRejectedException.REJECTED_REASON,
                CredentialsRejectedException.REJECTED_REASON, CredentialsRejectedException.PLAIN_REASON);
        assertThat(enkash.tokenCalls()).isEqualTo(2);
        assertThat(enkash.longestFailedLoginRun()).isEqualTo(2);
    }

    @Test
    void a_503_a_token_without_access_token_and_an_answer_that_is_not_json_each_count_as_failed_logins()
            throws Exception {
        try (Bundle bundle = Bundle.startAt(home, against(Map.of()))) {
            enkash.enqueueToken(Fault.status(503), Fault.tokenWithoutAccessToken());
            assertThat(once(bundle, "FAULT-1").get("status").asText()).isEqualTo("FAILED");
            assertThat(enkash.tokenCalls()).isEqualTo(2);
            assertThat(jmx("FailedLogins")).isEqualTo(2);
            assertThat(jmx("LoginLocked")).isEqualTo(true);

            JsonNode locked = once(bundle, "FAULT-2");
            assertThat(locked.get("error").asText()).isEqualTo(CredentialsRejectedException.PLAIN_REASON);
            assertThat(enkash.tokenCalls()).as("no login once the limit is reached").isEqualTo(2);

            assertThat(enkash.longestFailedLoginRun()).isEqualTo(2);
            assertThat(jmxClear()).contains("cleared 2");
            enkash.reset(); // as the operator would: confirm with EnKash that the account is not locked
            enkash.enqueueToken(Fault.tokenNotJson());
            assertThat(once(bundle, "FAULT-3").get("status").asText()).isEqualTo("FAILED");
            assertThat(jmx("FailedLogins")).isEqualTo(1);
            assertThat((String) jmx("LastLoginFailure")).contains("not JSON");

            assertThat(once(bundle, "FAULT-4").get("status").asText()).isEqualTo("CREATED");
            assertThat(jmx("FailedLogins")).as("a usable token resets the count").isEqualTo(0);
            assertThat(enkash.tokenCalls()).isEqualTo(2);
        }
    }

    @Test
    void clearing_the_lock_through_the_rest_api_allows_one_new_login() throws Exception {
        try (Bundle bundle = Bundle.startAt(home, against(Map.of()))) {
            enkash.enqueueToken(Fault.status(401), Fault.status(401));
            once(bundle, "REST-1");
            once(bundle, "REST-2");
            assertThat(once(bundle, "REST-3").get("error").asText()).isEqualTo(CredentialsRejectedException.PLAIN_REASON);
            assertThat(enkash.tokenCalls()).isEqualTo(2);

            assertThat(clear(bundle, "wrong-key").statusCode()).isEqualTo(401);
            assertThat(jmx("LoginLocked")).isEqualTo(true);
            HttpResponse<String> cleared = clear(bundle, "demo-key");
            assertThat(cleared.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(cleared.body());
            assertThat(body.get("cleared").asInt()).isEqualTo(2);
            assertThat(body.get("failedLogins").asInt()).isZero();
            assertThat(body.get("loginLocked").asBoolean()).isFalse();

            assertThat(once(bundle, "REST-4").get("status").asText()).isEqualTo("CREATED");
            assertThat(enkash.tokenCalls()).isEqualTo(3);
        }
    }

    @Test
    void refuses_to_start_when_max_rejected_logins_would_let_enkash_lock_the_account() {
        for (String max : new String[] {"3", "0"}) {
            assertThatThrownBy(() -> Bundle.start(Map.of("enkash.token.max-rejected-logins", max)))
                    .hasStackTraceContaining("enkash.token.max-rejected-logins (env ENKASH_TOKEN_MAX_REJECTED_LOGINS) is "
                            + max + ": it must be 1 or 2");
        }
    }

    private static Map<String, String> against(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(overrides);
        props.put("enkash.sandbox.enabled", "false");
        props.put("enkash.base-url", enkash.baseUrl());
        return props;
    }

    /** One request through the inbox; its outcome. */
    private static JsonNode once(Bundle bundle, String requestId) throws Exception {
        String name = requestId + ".csv";
        bundle.drop(name, "requestId,firstName,lastName,mobile,email\n" + requestId
                + ",Asha,Rao,9876543210,asha@example.com\n");
        return bundle.awaitResults(name).get(0);
    }

    private static Object jmx(String attribute) throws Exception {
        return server().getAttribute(new ObjectName(CardOperations.OBJECT_NAME), attribute);
    }

    private static String jmxClear() throws Exception {
        return (String) server().invoke(new ObjectName(CardOperations.OBJECT_NAME), "clearLoginLock",
                new Object[0], new String[0]);
    }

    private static MBeanServer server() {
        return ManagementFactory.getPlatformMBeanServer();
    }

    private static HttpResponse<String> clear(Bundle bundle, String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + bundle.httpPort + "/api/v1/enkash/login-lock/clear"))
                .header("X-API-Key", key).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
