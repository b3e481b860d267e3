package io.cardroutes.enkash;

import java.time.Duration;

import io.cardroutes.Settings;

/** The partner side of the configuration: where EnKash is and who we are there. */
public record EnkashSettings(
        String baseUrl,
        String tokenUrl,
        String clientId,
        String clientSecret,
        String username,
        String password,
        String partnerId,
        boolean encryptionEnabled,
        String encryptionSecretKey,
        Duration tokenRefreshMargin,
        int maxRejectedLogins,
        Duration retryAfterCap,
        Duration longestLogin) {

    /** EnKash locks the partner account at this many failed logins in a row. */
    public static final int ENKASH_LOCKS_AT = 3;
    static final String MAX_REJECTED_LOGINS = "enkash.token.max-rejected-logins";

    /** Reads the settings; refuses a limit of failed logins that would let EnKash lock the account. */
    public static EnkashSettings from(Settings s) {
        int maxRejectedLogins = s.integer(MAX_REJECTED_LOGINS);
        if (maxRejectedLogins < 1 || maxRejectedLogins >= ENKASH_LOCKS_AT) {
            throw new IllegalStateException(MAX_REJECTED_LOGINS + " (env ENKASH_TOKEN_MAX_REJECTED_LOGINS) is "
                    + maxRejectedLogins + ": it must be 1 or 2, because EnKash locks the account at the third "
                    + "failed login in a row");
        }
        String clientSecret = s.text("enkash.client-secret", "");
        return new EnkashSettings(
                s.text("enkash.base-url"),
                s.text("enkash.token-url"),
                s.text("enkash.client-id", ""),
                clientSecret,
                s.text("enkash.username", ""),
                s.text("enkash.password", ""),
                s.text("enkash.partner-id", ""),
                s.flag("enkash.encryption.enabled"),
                s.text("enkash.encryption.secret-key", clientSecret),
                Duration.ofSeconds(s.longValue("enkash.token.refresh-margin-s")),
                maxRejectedLogins,
                Duration.ofMillis(s.longValue("enkash.retry.retry-after-cap-ms")),
                // a login under way has answered or timed out by then (connect + read timeout), with a margin
                Duration.ofMillis(s.longValue("enkash.http.connect-timeout-ms")
                        + s.longValue("enkash.http.read-timeout-ms") + 10_000));
    }

    /** Never prints secrets: records' default toString would. */
    @Override
    public String toString() {
        return "EnkashSettings[baseUrl=" + baseUrl + ", tokenUrl=" + tokenUrl + ", partnerId=" + partnerId
                + ", encryptionEnabled=" + encryptionEnabled + "]";
    }
}
