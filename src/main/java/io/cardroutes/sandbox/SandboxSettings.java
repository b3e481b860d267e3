package io.cardroutes.sandbox;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.cardroutes.Settings;

/**
 * Configuration of the {@link EnkashSandbox}.
 *
 * @param port                   TCP port on loopback; 0 picks a free one
 * @param clientId               OAuth client id (Basic auth user and the {@code clientId} form field)
 * @param clientSecret           OAuth client secret (Basic auth password)
 * @param username               partner login user name
 * @param password               partner login password
 * @param partnerId              value the {@code partnerId} header must carry
 * @param tokenLifetimeSeconds   lifetime of issued access tokens
 * @param latencyMs              delay added to every Create and search answer
 * @param share5xx               share (0..1) of Create calls answered 503 at random
 * @param share429               share (0..1) of Create calls answered 429 at random
 * @param retryAfterSeconds      Retry-After of the random 429 answers
 * @param encryptionEnabled      Create/search bodies travel as {"request":"..."} envelopes
 * @param encryptionSecretKey    key for {@link io.cardroutes.enkash.PayloadCipher}
 * @param emptyCardAccounts      card account ids whose balance is empty (business refusal)
 * @param threads                HTTP worker threads; 0 or less means 64
 * @param createFaults           faults queued for the first Create calls, in order (again on reset)
 * @param searchFaults           faults queued for the first search calls, in order (again on reset)
 * @param searchPageSize         most cards one list answer names (recordsCount stays the full count); 0 = all
 * @param existingCardMobiles    mobiles that already hold a card, issued a day before the sandbox starts
 * @param existingCardCompanyId  companyId of those cards
 * @param existingCardAccountId  cardAccountId of those cards
 */
public record SandboxSettings(int port, String clientId, String clientSecret, String username, String password,
        String partnerId, long tokenLifetimeSeconds, long latencyMs, double share5xx, double share429,
        int retryAfterSeconds, boolean encryptionEnabled, String encryptionSecretKey, Set<String> emptyCardAccounts,
        int threads, List<Fault> createFaults, List<Fault> searchFaults, int searchPageSize,
        Set<String> existingCardMobiles, String existingCardCompanyId, String existingCardAccountId) {

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
        if (searchPageSize < 0) {
            throw new IllegalArgumentException("searchPageSize must be >= 0 (0 lists every card)");
        }
        emptyCardAccounts = emptyCardAccounts == null ? Set.of() : Set.copyOf(emptyCardAccounts);
        threads = threads <= 0 ? DEFAULT_THREADS : threads;
        createFaults = createFaults == null ? List.of() : List.copyOf(createFaults);
        searchFaults = searchFaults == null ? List.of() : List.copyOf(searchFaults);
        createFaults.forEach(fault -> FaultQueue.check(fault, false));
        searchFaults.forEach(fault -> FaultQueue.check(fault, true));
        existingCardMobiles = existingCardMobiles == null ? Set.of() : Set.copyOf(existingCardMobiles);
        if (!existingCardMobiles.isEmpty() && (blank(existingCardCompanyId) || blank(existingCardAccountId))) {
            throw new IllegalArgumentException("existing cards need a companyId and a cardAccountId");
        }
    }

    /** Reads the {@code enkash.sandbox.*} properties (and the card account its cards from before are on). */
    public static SandboxSettings from(Settings s) {
        return new SandboxSettings(
                s.integer("enkash.sandbox.port"),
                s.text("enkash.sandbox.client-id", ""), s.text("enkash.sandbox.client-secret", ""),
                s.text("enkash.sandbox.username", ""), s.text("enkash.sandbox.password", ""),
                s.text("enkash.sandbox.partner-id", ""),
                s.longValue("enkash.sandbox.token-lifetime-s"),
                s.longValue("enkash.sandbox.latency-ms"),
                s.decimal("enkash.sandbox.share-5xx"),
                s.decimal("enkash.sandbox.share-429"),
                s.integer("enkash.sandbox.retry-after-s"),
                s.flag("enkash.sandbox.encryption.enabled"),
                s.text("enkash.sandbox.encryption.secret-key", s.text("enkash.sandbox.client-secret", "")),
                s.set("enkash.sandbox.empty-card-accounts"),
                s.integer("enkash.sandbox.threads"))
                .withCreateFaults(Fault.parse(s.text("enkash.sandbox.create-faults", "")))
                .withSearchFaults(Fault.parseSearch(s.text("enkash.sandbox.search-faults", "")))
                .withSearchPageSize(s.integer("enkash.sandbox.search-page-size"))
                .withExistingCards(s.text("enkash.company-id", ""), s.text("enkash.card-account-id", ""),
                        s.set("enkash.sandbox.existing-card-mobiles"));
    }

    /** The settings without faults lists, page size or cards from before (the constructor before they existed). */
    public SandboxSettings(int port, String clientId, String clientSecret, String username, String password,
            String partnerId, long tokenLifetimeSeconds, long latencyMs, double share5xx, double share429,
            int retryAfterSeconds, boolean encryptionEnabled, String encryptionSecretKey, Set<String> emptyCardAccounts,
            int threads) {
        this(port, clientId, clientSecret, username, password, partnerId, tokenLifetimeSeconds, latencyMs, share5xx,
                share429, retryAfterSeconds, encryptionEnabled, encryptionSecretKey, emptyCardAccounts, threads,
                List.of(), List.of(), 0, Set.of(), null, null);
    }

    /** Ready-to-use settings: free port, sandbox credentials, no latency, no faults, no encryption, no cards. */
    public static SandboxSettings defaults() {
        return new SandboxSettings(0, "sandbox-client", "sandbox-secret", "sandbox-user", "sandbox-password",
                "SANDBOX-PARTNER", 3600, 0, 0.0, 0.0, 1, false, null, Set.of(), DEFAULT_THREADS);
    }

    public SandboxSettings withPort(int newPort) {
        return with(d -> d.port = newPort);
    }

    public SandboxSettings withTokenLifetimeSeconds(long seconds) {
        return with(d -> d.tokenLifetimeSeconds = seconds);
    }

    public SandboxSettings withLatencyMs(long millis) {
        return with(d -> d.latencyMs = millis);
    }

    public SandboxSettings withRandomFaults(double newShare5xx, double newShare429, int newRetryAfterSeconds) {
        return with(d -> {
            d.share5xx = newShare5xx;
            d.share429 = newShare429;
            d.retryAfterSeconds = newRetryAfterSeconds;
        });
    }

    public SandboxSettings withEncryption(String secretKey) {
        return with(d -> {
            d.encryptionEnabled = true;
            d.encryptionSecretKey = secretKey;
        });
    }

    public SandboxSettings withEmptyCardAccounts(Set<String> accounts) {
        return with(d -> d.emptyCardAccounts = accounts);
    }

    public SandboxSettings withThreads(int newThreads) {
        return with(d -> d.threads = newThreads);
    }

    /** Create faults queued at start (and again on reset), e.g. from {@link Fault#parse(String)}. */
    public SandboxSettings withCreateFaults(List<Fault> faults) {
        return with(d -> d.createFaults = faults);
    }

    /** Search faults queued at start (and again on reset), e.g. from {@link Fault#parseSearch(String)}. */
    public SandboxSettings withSearchFaults(List<Fault> faults) {
        return with(d -> d.searchFaults = faults);
    }

    /** Most cards per list answer; 0 lists all. */
    public SandboxSettings withSearchPageSize(int pageSize) {
        return with(d -> d.searchPageSize = pageSize);
    }

    /** Cards already held by these mobiles on this company and card account, issued a day before start. */
    public SandboxSettings withExistingCards(String companyId, String cardAccountId, Set<String> mobiles) {
        return with(d -> {
            d.existingCardCompanyId = companyId;
            d.existingCardAccountId = cardAccountId;
            d.existingCardMobiles = mobiles;
        });
    }

    /** Never prints secrets. */
    @Override
    public String toString() {
        return "SandboxSettings[port=" + port + ", clientId=" + clientId + ", username=" + username
                + ", partnerId=" + partnerId + ", tokenLifetimeSeconds=" + tokenLifetimeSeconds
                + ", latencyMs=" + latencyMs + ", share5xx=" + share5xx + ", share429=" + share429
                + ", retryAfterSeconds=" + retryAfterSeconds + ", encryptionEnabled=" + encryptionEnabled
                + ", emptyCardAccounts=" + emptyCardAccounts + ", threads=" + threads
                + ", createFaults=" + createFaults + ", searchFaults=" + searchFaults
                + ", searchPageSize=" + searchPageSize + ", existingCardMobiles=" + existingCardMobiles
                + ", existingCardCompanyId=" + existingCardCompanyId
                + ", existingCardAccountId=" + existingCardAccountId + "]";
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    /** A copy with some values changed: one place that lists every component, for all the withers. */
    private SandboxSettings with(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new SandboxSettings(d.port, clientId, clientSecret, username, password, partnerId,
                d.tokenLifetimeSeconds, d.latencyMs, d.share5xx, d.share429, d.retryAfterSeconds, d.encryptionEnabled,
                d.encryptionSecretKey, d.emptyCardAccounts, d.threads, d.createFaults, d.searchFaults,
                d.searchPageSize, d.existingCardMobiles, d.existingCardCompanyId, d.existingCardAccountId);
    }

    /** The components a wither may change. */
    private static final class Draft {
        int port;
        long tokenLifetimeSeconds;
        long latencyMs;
        double share5xx;
        double share429;
        int retryAfterSeconds;
        boolean encryptionEnabled;
        String encryptionSecretKey;
        Set<String> emptyCardAccounts;
        int threads;
        List<Fault> createFaults;
        List<Fault> searchFaults;
        int searchPageSize;
        Set<String> existingCardMobiles;
        String existingCardCompanyId;
        String existingCardAccountId;

        Draft(SandboxSettings s) {
            port = s.port;
            tokenLifetimeSeconds = s.tokenLifetimeSeconds;
            latencyMs = s.latencyMs;
            share5xx = s.share5xx;
            share429 = s.share429;
            retryAfterSeconds = s.retryAfterSeconds;
            encryptionEnabled = s.encryptionEnabled;
            encryptionSecretKey = s.encryptionSecretKey;
            emptyCardAccounts = s.emptyCardAccounts;
            threads = s.threads;
            createFaults = s.createFaults;
            searchFaults = s.searchFaults;
            searchPageSize = s.searchPageSize;
            existingCardMobiles = s.existingCardMobiles;
            existingCardCompanyId = s.existingCardCompanyId;
            existingCardAccountId = s.existingCardAccountId;
        }
    }
}
