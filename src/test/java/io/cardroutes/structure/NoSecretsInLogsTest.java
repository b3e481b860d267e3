package io.cardroutes.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Reads everything the test run logged (target/test-logs/bundle.log; this class runs last) and
 * looks for secrets and personal data. It also runs one scenario of its own, so it proves
 * something when run alone: encryption on, a token expiring, a refused login.
 */
@Order(Integer.MAX_VALUE)
class NoSecretsInLogsTest {

    private static final String SECRET = "sandbox-secret";
    private static final String PASSWORD = "sandbox-password";

    @Test
    void no_secret_token_key_or_unmasked_personal_data_appears_in_the_log_output() throws Exception {
        try (Bundle bundle = Bundle.start(Map.of("enkash.encryption.enabled", "true"))) {
            bundle.freshSandbox();
            bundle.drop("a.json", "{\"requestId\":\"LOG-1\",\"mobile\":\"9876500401\",\"email\":\"log.one@example.com\"}");
            bundle.awaitResults("a.json");
            bundle.sandbox().expireAllTokens();
            bundle.drop("b.json", "{\"requestId\":\"LOG-2\",\"mobile\":\"9876500402\",\"email\":\"log.two@example.com\"}");
            bundle.awaitResults("b.json");
        }
        String log = Files.readString(Path.of("target/test-logs/bundle.log"), StandardCharsets.UTF_8);
        assertThat(log).contains("request LOG-2 CREATED");

        String basic = Base64.getEncoder().encodeToString(("sandbox-client:" + SECRET).getBytes(StandardCharsets.UTF_8));
        byte[] aesKey = Arrays.copyOf(MessageDigest.getInstance("SHA-256")
                .digest(SECRET.getBytes(StandardCharsets.UTF_8)), 16);
        assertThat(log)
                .doesNotContain(SECRET)
                .doesNotContain(PASSWORD)
                .doesNotContain("not-the-password")
                .doesNotContain(basic)
                .doesNotContain(Base64.getEncoder().encodeToString(aesKey))
                .doesNotContain("Bearer ")
                .doesNotContain("access_token")
                .doesNotContain("refresh_token")
                .doesNotContain("{\"request\":\"");
        // personal data: the test runs use mobiles starting 98765 / 90000 and emails at example domains
        // a mobile is ten digits on its own (temporary folder names are long runs of random digits)
        assertThat(log).doesNotContainPattern("(?<!\\d)98765\\d{5}(?!\\d)")
                .doesNotContainPattern("(?<!\\d)90000\\d{5}(?!\\d)")
                .doesNotContainPattern("@example\\.(com|in)");
    }
}
