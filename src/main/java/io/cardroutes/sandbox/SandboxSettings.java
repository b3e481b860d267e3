package io.cardroutes.sandbox;

import java.util.Set;

/**
 * Configuration of the {@link EnkashSandbox}.
 *
 * @param port                 TCP port on loopback; 0 picks a free one
 * @param clientId             OAuth client id (Basic auth user and the {@code clientId} form field)
 * @param clientSecret         OAuth client secret (Basic auth password)
 * @param username             partner login user name
 * @param password             partner login password
 * @param partnerId            value the {@code partnerId} header must carry
 * @param tokenLifetimeSeconds lifetime of issued access tokens
 * @param latencyMs            delay added to every Create and search answer
 * @param share5xx             share (0..1) of Create calls answered 503 at random
 * @param share429             share (0..1) of Create calls answered 429 at random
 * @param retryAfterSeconds    Retry-After of the random 429 answers
 * @param encryptionEnabled    Create/search bodies travel as {"request":"..."} envelopes
 * @param encryptionSecretKey  key for {@link io.cardroutes.enkash.PayloadCipher}
 * @param emptyCardAccounts    card account ids whose balance is empty (business refusal)
 * @param threads              HTTP worker threads; 0 or less means 64
 */
public record SandboxSettings(int port, String clientId, String clientSecret, String username, String password,
        String partnerId, long tokenLifetimeSeconds, long latencyMs, double share5xx, double share429,
        int retryAfterSeconds, boolean encryptionEnabled, String encryptionSecretKey, Set<String> emptyCardAccounts,
        int threads) {

    public static final int DEFAULT_THREADS = 64;

    public SandboxSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (tokenLifetimeSeconds < 0) {
            throw new IllegalArgumentException("tokenLifetimeSeconds must be >= 0");
        }
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latencyMs must be >= 0");
        }
        if (share5xx < 0 || share429 < 0 || share5xx + share429 > 1.0 || Double.isNaN(share5xx) || Double.isNaN(share429)) {
            throw new IllegalArgumentException("share5xx and share429 must be >= 0 and add up to at most 1");
        }
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 0");
        }
        if (encryptionEnabled && (encryptionSecretKey == null || encryptionSecretKey.isEmpty())) {
            throw new IllegalArgumentException("sandbox encryption is enabled but no encryption secret key is set");
        }
        emptyCardAccounts = emptyCardAccounts == null ? Set.of() : Set.copyOf(emptyCardAccounts);
        threads = threads <= 0 ? DEFAULT_THREADS : threads;
    }

    /** Ready-to-use settings: free port, sandbox credentials, no latency, no faults, no encryption. */
    public static SandboxSettings defaults() {
        return new SandboxSettings(0, "sandbox-client", "sandbox-secret", "sandbox-user", "sandbox-password",
                "SANDBOX-PARTNER", 3600, 0, 0.0, 0.0, 1, false, null, Set.of(), DEFAULT_THREADS);
    }

    public SandboxSettings withPort(int newPort) {
        return new SandboxSettings(newPort, clientId, clientSecret, username, password, partnerId, tokenLifetimeSeconds,
                latencyMs, share5xx, share429, retryAfterSeconds, encryptionEnabled, encryptionSecretKey,
                emptyCardAccounts, threads);
    }

    public SandboxSettings withTokenLifetimeSeconds(long seconds) {
        return new SandboxSettings(port, clientId, clientSecret, username, password, partnerId, seconds,
                latencyMs, share5xx, share429, retryAfterSeconds, encryptionEnabled, encryptionSecretKey,
                emptyCardAccounts, threads);
    }

    public SandboxSettings withLatencyMs(long millis) {
        return new SandboxSettings(port, clientId, clientSecret, username, password, partnerId, tokenLifetimeSeconds,
                millis, share5xx, share429, retryAfterSeconds, encryptionEnabled, encryptionSecretKey,
                emptyCardAccounts, threads);
    }

    public SandboxSettings withRandomFaults(double newShare5xx, double newShare429, int newRetryAfterSeconds) {
        return new SandboxSettings(port, clientId, clientSecret, username, password, partnerId, tokenLifetimeSeconds,
                latencyMs, newShare5xx, newShare429, newRetryAfterSeconds, encryptionEnabled, encryptionSecretKey,
                emptyCardAccounts, threads);
    }

    public SandboxSettings withEncryption(String secretKey) {
        return new SandboxSettings(port, clientId, clientSecret, username, password, partnerId, tokenLifetimeSeconds,
                latencyMs, share5xx, share429, retryAfterSeconds, true, secretKey, emptyCardAccounts, threads);
    }

    public SandboxSettings withEmptyCardAccounts(Set<String> accounts) {
        return new SandboxSettings(port, clientId, clientSecret, username, password, partnerId, tokenLifetimeSeconds,
                latencyMs, share5xx, share429, retryAfterSeconds, encryptionEnabled, encryptionSecretKey, accounts,
                threads);
    }

    public SandboxSettings withThreads(int newThreads) {
        return new SandboxSettings(port, clientId, clientSecret, username, password, partnerId, tokenLifetimeSeconds,
                latencyMs, share5xx, share429, retryAfterSeconds, encryptionEnabled, encryptionSecretKey,
                emptyCardAccounts, newThreads);
    }

    /** Never prints secrets. */
    @Override
    public String toString() {
        return "SandboxSettings[port=" + port + ", clientId=" + clientId + ", username=" + username
                + ", partnerId=" + partnerId + ", tokenLifetimeSeconds=" + tokenLifetimeSeconds
                + ", latencyMs=" + latencyMs + ", share5xx=" + share5xx + ", share429=" + share429
                + ", retryAfterSeconds=" + retryAfterSeconds + ", encryptionEnabled=" + encryptionEnabled
                + ", emptyCardAccounts=" + emptyCardAccounts + ", threads=" + threads + "]";
    }
}
