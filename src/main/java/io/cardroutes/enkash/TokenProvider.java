package io.cardroutes.enkash;

import java.time.Clock;

import io.cardroutes.enkash.TokenLogin.Token;
import io.cardroutes.persistence.LoginGuard;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds EnKash's access token: fetched through the {@code enkash-token} route, cached until
 * shortly before {@code expires_in}, one fetch shared by all concurrent callers, dropped on a 401.
 *
 * <p>Why this bean drives {@code direct:enkash-token} through a ProducerTemplate, against "calls go route ->
 * bean -> back": the login guard is one lock held from the cache check through the reservation in the
 * database, the login and its settling, so that one thread logs in while the others wait for its token.
 * Spread over route steps, that lock would be taken by one bean call and released by another on every way
 * out of the route (answers, exceptions, redeliveries); a slip there means two logins at once or a stuck
 * lock, and the account lock it protects is EnKash's. The route still makes the HTTP call.
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
 *
 * <p>This class is the cache and the lock; the count is {@link LoginCount}, one login {@link TokenLogin}.
 */
public class TokenProvider {

    public static final String TOKEN_ROUTE = "direct:enkash-token";
    /** Exchange property naming which token generation a Create call used (never the token itself). */
    public static final String GENERATION_PROPERTY = "cardTokenGeneration";

    private static final Logger LOG = LoggerFactory.getLogger(TokenProvider.class);

    private final EnkashSettings settings;
    private final Clock clock;
    private final LoginCount count;
    private final TokenLogin logins;

    private final Object lock = new Object();
    private volatile Token current;
    private long generation;
    private long tokenCalls;

    public TokenProvider(EnkashSettings settings, ProducerTemplate template, Clock clock, LoginGuard guard,
            MeterRegistry meters) {
        this.settings = settings;
        this.clock = clock;
        this.count = new LoginCount(guard, settings.maxRejectedLogins(), settings.longestLogin(), meters);
        this.logins = new TokenLogin(settings, template, clock, count);
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
            return count.clear();
        }
    }

    /** Forgets the cached token and clears the failed-login count: a fresh start, for tests. */
    public void reset() {
        synchronized (lock) {
            current = null;
            count.reset();
        }
    }

    /** Failed logins in a row, as counted in the database (a login under way counts). */
    public int failedLogins() {
        return count.failures();
    }

    /** Why the last counted login failed, or null. */
    public String lastLoginFailure() {
        return count.lastFailure();
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
            count.reserve();
            tokenCalls++;
            current = logins.login(generation + 1);
            generation = current.generation();
            return current;
        }
    }
}
