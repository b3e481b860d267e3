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
 * Holds EnKash's access token: fetched through the {@code enkash-token} route, cached until
 * shortly before {@code expires_in}, one fetch shared by all concurrent callers, dropped on a 401.
 * After {@code maxRejectedLogins} consecutive rejected logins it stops calling EnKash for good:
 * EnKash locks the account at the third.
 */
public class TokenProvider {

    public static final String TOKEN_ROUTE = "direct:enkash-token";
    /** Exchange property naming which token generation a Create call used (never the token itself). */
    public static final String GENERATION_PROPERTY = "cardTokenGeneration";

    private static final Logger LOG = LoggerFactory.getLogger(TokenProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EnkashSettings settings;
    private final ProducerTemplate template;
    private final Clock clock;

    private final Object lock = new Object();
    private volatile Token current;
    private long generation;
    private int consecutiveRejections;
    private volatile boolean gaveUp;
    private long tokenCalls;

    public TokenProvider(EnkashSettings settings, ProducerTemplate template, Clock clock) {
        this.settings = settings;
        this.template = template;
        this.clock = clock;
    }

    /** Sets {@code authorization: Bearer <token>} on the exchange's message. */
    public void authorize(Exchange exchange) {
        Token token = validToken();
        exchange.setProperty(GENERATION_PROPERTY, token.generation());
        exchange.getMessage().setHeader("authorization", "Bearer " + token.value());
    }

    /** EnKash answered 401 to a call made with this exchange's token: forget that token (not a newer one). */
    public void invalidate(Exchange exchange) {
        Long used = exchange.getProperty(GENERATION_PROPERTY, Long.class);
        synchronized (lock) {
            Token token = current;
            if (token != null && used != null && token.generation() == used) {
                current = null;
                LOG.info("EnKash refused access token #{}; a new one will be fetched", used);
            }
        }
    }

    /**
     * Forgets the cached token and the rejected-login count, so the next call logs in afresh.
     * For operators who changed the credentials of a running bundle, and for tests.
     */
    public void reset() {
        synchronized (lock) {
            current = null;
            consecutiveRejections = 0;
            gaveUp = false;
        }
    }

    public boolean hasGivenUp() {
        return gaveUp;
    }

    public long tokenCalls() {
        synchronized (lock) {
            return tokenCalls;
        }
    }

    private Token validToken() {
        Token token = current;
        if (token != null && token.usableAt(clock.instant())) {
            return token;
        }
        synchronized (lock) {
            token = current;
            if (token != null && token.usableAt(clock.instant())) {
                return token;
            }
            if (gaveUp) {
                throw new CredentialsRejectedException(0);
            }
            current = fetch();
            return current;
        }
    }

    private Token fetch() {
        tokenCalls++;
        Exchange answer;
        try {
            answer = template.request(TOKEN_ROUTE, ex -> {
                ex.getMessage().setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (settings.clientId() + ":" + settings.clientSecret()).getBytes(StandardCharsets.UTF_8)));
                ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
                ex.getMessage().setBody(form());
            });
        } catch (CamelExecutionException e) {
            throw rethrow(e.getCause() != null ? e.getCause() : e);
        }
        if (answer.getException() != null) {
            throw rethrow(answer.getException());
        }
        int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = answer.getMessage().getBody(String.class);
        if (status == 200) {
            return accept(body);
        }
        if (status == 400 || status == 401 || status == 403) {
            consecutiveRejections++;
            if (consecutiveRejections >= settings.maxRejectedLogins()) {
                gaveUp = true;
                LOG.error("EnKash rejected the login {} times in a row (HTTP {}). The bundle has STOPPED asking for "
                        + "tokens so that EnKash does not lock the account (it locks at 3). Every request now fails "
                        + "with: {}", consecutiveRejections, status, CredentialsRejectedException.PLAIN_REASON);
            } else {
                LOG.error("EnKash rejected the login (HTTP {}, {} of {} allowed before the bundle stops trying)",
                        status, consecutiveRejections, settings.maxRejectedLogins());
            }
            throw new CredentialsRejectedException(status);
        }
        Duration retryAfter = AnswerClassifier.retryAfter(answer.getMessage().getHeader("Retry-After", String.class),
                clock, settings.retryAfterCap());
        throw new EnkashRetryableException("EnKash token endpoint answered HTTP " + status, status, retryAfter);
    }

    private Token accept(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            String value = firstText(node, "access_token", "accessToken");
            if (value == null) {
                throw new EnkashAnswerException("EnKash token answer has no access_token", 200);
            }
            long expiresIn = node.has("expires_in") ? node.path("expires_in").asLong(0)
                    : node.path("expiresIn").asLong(0);
            Instant now = clock.instant();
            Duration lifetime = Duration.ofSeconds(Math.max(expiresIn, 0));
            // refresh early, but never make a short-lived token unusable from the start
            Duration margin = settings.tokenRefreshMargin().compareTo(lifetime.dividedBy(2)) > 0
                    ? lifetime.dividedBy(2) : settings.tokenRefreshMargin();
            consecutiveRejections = 0;
            generation++;
            LOG.info("Fetched an EnKash access token #{} valid for {} s", generation, expiresIn);
            return new Token(value, now.plus(lifetime).minus(margin), generation);
        } catch (java.io.IOException e) {
            throw new EnkashAnswerException("EnKash token answer is not JSON", 200);
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

    private record Token(String value, Instant refreshAt, long generation) {
        boolean usableAt(Instant now) {
            return now.isBefore(refreshAt);
        }

        @Override
        public String toString() {
            return "Token#" + generation;
        }
    }
}
