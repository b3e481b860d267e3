package io.cardroutes.enkash;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.persistence.LoginGuard;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds EnKash's access token: fetched through the {@code enkash-token} route, cached until
 * shortly before {@code expires_in}, one fetch shared by all concurrent callers, dropped on a 401.
 *
 * <p>EnKash locks the account at the third failed login in a row, so every login is counted in the
 * database before it is made ({@link LoginGuard#reserve}) and, once {@code maxRejectedLogins} are
 * counted, no login is made at all until an operator clears the count ({@link #clearLoginLock}). A
 * login counts as failed unless it returns a usable token (any 4xx or 5xx, a 200 without
 * {@code access_token} or not JSON, a read timeout); only a call that certainly never reached EnKash
 * (connection refused, unknown host, connect timeout) gives its reservation back.
 *
 * <p>Counts every login by result in {@code cardroutes_enkash_logins_total}: {@code token} (a usable
 * token, i.e. a refresh), {@code rejected} (400/401/403), {@code failed} (any other counted failure),
 * {@code not-sent} (never reached EnKash, not counted) and {@code locked} (refused by the guard, not made).
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
    private final LoginGuard guard;
    private final MeterRegistry meters;

    private final Object lock = new Object();
    private volatile Token current;
    private long generation;
    private boolean refusalLogged;
    private long tokenCalls;

    public TokenProvider(EnkashSettings settings, ProducerTemplate template, Clock clock, LoginGuard guard,
            MeterRegistry meters) {
        this.settings = settings;
        this.meters = meters;
        this.template = template;
        this.clock = clock;
        this.guard = guard;
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

    /** Forgets the cached token, so the next call logs in afresh (the failed-login count stays). */
    public void forgetToken() {
        synchronized (lock) {
            current = null;
        }
    }

    /**
     * For an operator who fixed the credentials: clears the failed-login count in the database (for
     * every instance on it), so the next request logs in again. Returns the count it cleared.
     */
    public int clearLoginLock() {
        synchronized (lock) {
            int cleared = guard.clear();
            refusalLogged = false;
            LOG.warn("EnKash login lock cleared by an operator ({} failed logins in a row were counted)", cleared);
            return cleared;
        }
    }

    /** Forgets the cached token and clears the failed-login count: a fresh start, for tests. */
    public void reset() {
        synchronized (lock) {
            current = null;
            guard.clear();
            refusalLogged = false;
        }
    }

    /** Failed logins in a row, as counted in the database (a login under way counts). */
    public int failedLogins() {
        return guard.failures();
    }

    /** Why the last counted login failed, or null. */
    public String lastLoginFailure() {
        return guard.lastFailure();
    }

    public int maxFailedLogins() {
        return settings.maxRejectedLogins();
    }

    /** True while the bundle makes no login: the count reached the limit and no operator cleared it. */
    public boolean isLoginLocked() {
        return failedLogins() >= settings.maxRejectedLogins();
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
            if (!guard.reserve(settings.maxRejectedLogins())) {
                throw refused();
            }
            current = login();
            return current;
        }
    }

    private CredentialsRejectedException refused() {
        countLogin("locked");
        if (!refusalLogged) {
            refusalLogged = true;
            LOG.error("EnKash logins are locked: {} failed logins in a row are counted in the database (last: {}). "
                    + "Every request fails with: {}", guard.failures(), guard.lastFailure(),
                    CredentialsRejectedException.PLAIN_REASON);
        }
        return CredentialsRejectedException.locked();
    }

    /** One login, already counted: a usable token resets the count, anything else leaves it counted. */
    private Token login() {
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
            throw callFailed(e.getCause() != null ? e.getCause() : e);
        }
        if (answer.getException() != null) {
            throw callFailed(answer.getException());
        }
        int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = answer.getMessage().getBody(String.class);
        if (status == 200) {
            Token token = accept(body);
            guard.succeeded();
            countLogin("token");
            return token;
        }
        if (status == 400 || status == 401 || status == 403) {
            throw counted("HTTP " + status, CredentialsRejectedException.rejected(status));
        }
        Duration retryAfter = AnswerClassifier.retryAfter(answer.getMessage().getHeader("Retry-After", String.class),
                clock, settings.retryAfterCap());
        throw counted("HTTP " + status,
                new EnkashRetryableException("EnKash token endpoint answered HTTP " + status, status, retryAfter));
    }

    private RuntimeException callFailed(Throwable cause) {
        RuntimeException failure = rethrow(cause);
        if (FailureClassifier.certainlyNotSent(cause)) {
            guard.giveBack();
            countLogin("not-sent");
            LOG.warn("EnKash token endpoint not reached ({}); this login is not counted",
                    cause.getClass().getSimpleName());
            return failure;
        }
        return counted(cause.getClass().getSimpleName(), failure);
    }

    /** Logs a failed login that stays counted, and returns the failure to throw. */
    private RuntimeException counted(String what, RuntimeException failure) {
        countLogin(failure instanceof CredentialsRejectedException ? "rejected" : "failed");
        guard.failed(what + ": " + failure.getMessage());
        int failures = guard.failures();
        if (failures >= settings.maxRejectedLogins()) {
            refusalLogged = true;
            LOG.error("EnKash login failed ({}), {} in a row. The bundle has STOPPED asking for tokens so that EnKash "
                    + "does not lock the account (it locks at 3), also after a restart. Every request now fails "
                    + "with: {}", what, failures, CredentialsRejectedException.PLAIN_REASON);
        } else {
            LOG.error("EnKash login failed ({}): {} of {} failed logins in a row allowed before the bundle stops "
                    + "logging in", what, failures, settings.maxRejectedLogins());
        }
        return failure;
    }

    private Token accept(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            String value = firstText(node, "access_token", "accessToken");
            if (value == null) {
                throw counted("HTTP 200 without a token",
                        new EnkashAnswerException("EnKash token answer holds no access token", 200));
            }
            long expiresIn = node.has("expires_in") ? node.path("expires_in").asLong(0)
                    : node.path("expiresIn").asLong(0);
            Instant now = clock.instant();
            Duration lifetime = Duration.ofSeconds(Math.max(expiresIn, 0));
            // refresh early, but never make a short-lived token unusable from the start
            Duration margin = settings.tokenRefreshMargin().compareTo(lifetime.dividedBy(2)) > 0
                    ? lifetime.dividedBy(2) : settings.tokenRefreshMargin();
            generation++;
            LOG.info("Fetched an EnKash access token #{} valid for {} s", generation, expiresIn);
            return new Token(value, now.plus(lifetime).minus(margin), generation);
        } catch (java.io.IOException e) {
            throw counted("HTTP 200 not JSON", new EnkashAnswerException("EnKash token answer is not JSON", 200));
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

    private void countLogin(String result) {
        meters.counter("cardroutes.enkash.logins", "result", result).increment();
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
