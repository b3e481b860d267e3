package io.cardroutes.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.cardroutes.enkash.CredentialsRejectedException;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A wrong password must never get the EnKash account locked (EnKash locks at the third failed login). */
class CredentialsTest {

    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(Map.of("enkash.password", "not-the-password",
            "enkash.sandbox.password", "sandbox-password"));

    @Test
    void a_wrong_password_costs_at_most_two_token_calls_then_every_request_fails_with_the_plain_reason()
            throws Exception {
        EnkashSandbox sandbox = bundle.sandbox();
        StringBuilder csv = new StringBuilder("requestId,mobile\n");
        for (int i = 1; i <= 8; i++) {
            csv.append("PW-").append(i).append(",98765002").append(String.format("%02d", i)).append('\n');
        }
        bundle.drop("locked.csv", csv.toString());

        JsonNode results = bundle.awaitResults("locked.csv");

        assertThat(results).hasSize(8);
        assertThat(results).extracting(n -> n.get("status").asText()).containsOnly("FAILED");
        assertThat(results).extracting(n -> n.get("error").asText())
                .containsOnly(CredentialsRejectedException.REJECTED_REASON, CredentialsRejectedException.PLAIN_REASON)
                .contains(CredentialsRejectedException.PLAIN_REASON);
        assertThat(sandbox.tokenCalls()).isLessThanOrEqualTo(2);
        assertThat(sandbox.rejectedTokenCalls()).isLessThan(3);
        assertThat(sandbox.longestFailedLoginRun()).isLessThan(3);
        assertThat(sandbox.createCalls()).isZero();

        // and it stays that way for later files: no third login
        bundle.drop("later.csv", "requestId,mobile\nPW-LATER,9876500299\n");
        assertThat(bundle.awaitResults("later.csv").get(0).get("error").asText())
                .isEqualTo(CredentialsRejectedException.PLAIN_REASON);
        assertThat(sandbox.tokenCalls()).isLessThanOrEqualTo(2);
        assertThat(sandbox.longestFailedLoginRun()).isLessThan(3);
        assertThat(Files.readString(Path.of("target/test-logs/bundle.log")))
                .contains("STOPPED asking for tokens");
    }
}
