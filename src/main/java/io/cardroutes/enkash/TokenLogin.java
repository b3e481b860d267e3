package io.cardroutes.enkash;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One login at EnKash's token endpoint, already reserved in the {@link LoginCount}: the password-grant
 * form and Basic header handed to {@code direct:enkash-token}, and what the answer means (a token, a
 * rejection, a failure that stays counted, or a call that never reached EnKash), settled in the count.
 */
final class TokenLogin {

    /** TokenProvider's category: operators read these lines as the token cache's. */
    private static final Logger LOG = LoggerFactory.getLogger(TokenProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EnkashSettings settings;
    private final ProducerTemplate template;
    private final Clock clock;
    private final LoginCount count;

    TokenLogin(EnkashSettings settings, ProducerTemplate template, Clock clock, LoginCount count) {
        this.settings = settings;
        this.template = template;
        this.clock = clock;
        this.count = count;
    }

    /** Logs in once; a usable token (numbered {@code generation}) resets the count, anything else leaves it counted. */
    Token login(long generation) {
        Exchange answer;
        try {
            answer = template.request(TokenProvider.TOKEN_ROUTE, ex -> {
                ex.getMessage().setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (settings.clientId() + ":" + settings.clientSecret()).getBytes(StandardCharsets.UTF_8)));
                ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
                ex.getMessage().setBody(form());
            });
        } catch (CamelExecutionException e) {
            throw callFailed(e.getCause() != null ? e.getCause() : e);
        }
        if (answer.getException() != null) {
            throw callFailed(answer.getException());
        }
        int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = answer.getMessage().getBody(String.class);
        if (status == 200) {
            Token token = accept(body, generation);
            count.succeeded();
            return token;
        }
        if (status == 400 || status == 401 || status == 403) {
            throw count.counted("HTTP " + status, CredentialsRejectedException.rejected(status));
        }
        Duration retryAfter = AnswerClassifier.retryAfter(answer.getMessage().getHeader("Retry-After", String.class),
                clock, settings.retryAfterCap());
        throw count.counted("HTTP " + status,
                new EnkashRetryableException("EnKash token endpoint answered HTTP " + status, status, retryAfter));
    }

    private RuntimeException callFailed(Throwable cause) {
        RuntimeException failure = rethrow(cause);
        if (FailureClassifier.certainlyNotSent(cause)) {
            return count.notSent(cause, failure);
        }
        return count.counted(cause.getClass().getSimpleName(), failure);
    }

    private Token accept(String body, long generation) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            String value = firstText(node, "access_token", "accessToken");
            if (value == null) {
                throw count.counted("HTTP 200 without a token",
                        new EnkashAnswerException("EnKash token answer holds no access token", 200));
            }
            long expiresIn = node.has("expires_in") ? node.path("expires_in").asLong(0)
                    : node.path("expiresIn").asLong(0);
            Instant now = clock.instant();
            Duration lifetime = Duration.ofSeconds(Math.max(expiresIn, 0));
            // refresh early, but never make a short-lived token unusable from the start
            Duration margin = settings.tokenRefreshMargin().compareTo(lifetime.dividedBy(2)) > 0
                    ? lifetime.dividedBy(2) : settings.tokenRefreshMargin();
            LOG.info("Fetched an EnKash access token #{} valid for {} s", generation, expiresIn);
            return new Token(value, now.plus(lifetime).minus(margin), generation);
        } catch (java.io.IOException e) {
            throw count.counted("HTTP 200 not JSON", new EnkashAnswerException("EnKash token answer is not JSON", 200));
        }
    }

    private static String firstText(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode v = node.get(name);
            if (v != null && v.isTextual() && !v.asText().isEmpty()) {
                return v.asText();
            }
        }
        return null;
    }

    private String form() {
        return "username=" + enc(settings.username()) + "&password=" + enc(settings.password())
                + "&grant_type=password&clientId=" + enc(settings.clientId());
    }

    private static String enc(String v) {
        return URLEncoder.encode(v == null ? "" : v, StandardCharsets.UTF_8);
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException re) {
            return re;
        }
        if (cause instanceof java.io.IOException io) {
            return new EnkashRetryableException("EnKash token endpoint unreachable: " + io.getClass().getSimpleName(),
                    0, null);
        }
        return new IllegalStateException("token call failed: " + cause.getClass().getSimpleName());
    }

    /** An access token, the instant to fetch a new one from, and its number (logged, never the token itself). */
    record Token(String value, Instant refreshAt, long generation) {
        boolean usableAt(Instant now) {
            return now.isBefore(refreshAt);
        }

        @Override
        public String toString() {
            return "Token#" + generation;
        }
    }
}
