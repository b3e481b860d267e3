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
        Duration retryAfterCap) {

    public static EnkashSettings from(Settings s) {
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
                s.integer("enkash.token.max-rejected-logins"),
                Duration.ofMillis(s.longValue("enkash.retry.retry-after-cap-ms")));
    }

    /** Never prints secrets: records' default toString would. */
    @Override
    public String toString() {
        return "EnkashSettings[baseUrl=" + baseUrl + ", tokenUrl=" + tokenUrl + ", partnerId=" + partnerId
                + ", encryptionEnabled=" + encryptionEnabled + "]";
    }
}
