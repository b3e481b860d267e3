package io.cardroutes.packaged;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.enkash.CredentialsRejectedException;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.OutsideEnkash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged bundle restarted with a wrong password, as a supervisor restarts a failing service:
 * EnKash (a sandbox in this JVM, so it outlives every run) never sees a third failed login in a row.
 */
class LoginLockoutIT {

    @TempDir
    Path home;

    private EnkashSandbox enkash;

    @BeforeEach
    void startEnkash() {
        enkash = OutsideEnkash.start(0, 8);
    }

    @AfterEach
    void stopEnkash() {
        enkash.stop();
    }

    @Test
    void three_runs_with_a_wrong_password_never_make_a_third_failed_login_in_a_row() throws Exception {
        List<String> errors = new ArrayList<>();
        for (int run = 1; run <= 3; run++) {
            try (PackagedJar jar = jar().env("ENKASH_PASSWORD", "not-the-password")) {
                jar.start();
                errors.add(outcomeOfOneRequest(jar, "LOCKOUT-" + run));
                if (run == 2) {
                    jar.kill();
                } else {
                    jar.stop();
                }
            }
        }

        assertThat(enkash.longestFailedLoginRun()).as("EnKash locks the account at 3").isLessThan(3);
        assertThat(enkash.failedLogins()).isLessThanOrEqualTo(2);
        assertThat(enkash.tokenCalls()).isLessThanOrEqualTo(2);
        assertThat(errors.get(2)).isEqualTo(CredentialsRejectedException.PLAIN_REASON);
        assertThat(Files.readString(home.resolve("bundle.log"))).contains("EnKash logins are locked");
    }

    @Test
    void refuses_to_start_with_exit_code_1_when_max_rejected_logins_is_3() throws Exception {
        try (PackagedJar jar = jar().env("ENKASH_TOKEN_MAX_REJECTED_LOGINS", "3")) {
            assertThatThrownBy(jar::start).hasMessageContaining("exited with 1");
            assertThat(Files.readString(jar.log)).contains("enkash.token.max-rejected-logins")
                    .contains("it must be 1 or 2");
        }
        assertThat(enkash.tokenCalls()).isZero();
    }

    private PackagedJar jar() throws Exception {
        return new PackagedJar(home)
                .env("ENKASH_SANDBOX_ENABLED", "false")
                .env("ENKASH_BASE_URL", "http://localhost:" + enkash.port());
    }

    /** Drops one request into the inbox and returns the error of its outcome. */
    private static String outcomeOfOneRequest(PackagedJar jar, String requestId) throws Exception {
        Path part = jar.home.resolve(requestId + ".csv.part");
        Files.writeString(part, "requestId,firstName,lastName,mobile,email\n" + requestId
                + ",Asha,Rao,9876543210,asha@example.com\n");
        Files.move(part, jar.inbox.resolve(requestId + ".csv"), StandardCopyOption.ATOMIC_MOVE);
        Path results = jar.outbox.resolve(requestId + ".csv.results.json");
        await("results of " + requestId).atMost(Duration.ofSeconds(60)).until(() -> Files.exists(results));
        return new ObjectMapper().readTree(results.toFile()).get(0).get("error").asText();
    }
}
