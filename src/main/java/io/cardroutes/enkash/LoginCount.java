package io.cardroutes.enkash;

import java.time.Duration;

import io.cardroutes.persistence.LoginGuard;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TokenProvider}'s failed-login count, kept in the database by {@link LoginGuard}: a login is
 * reserved before it is made and settled after (a usable token resets the count, a login that never
 * reached EnKash is given back, any other failure stays counted), each result counted in
 * {@code cardroutes_enkash_logins_total} and logged. Called only under the provider's lock.
 */
final class LoginCount {

    /** TokenProvider's category: operators read these lines as the token cache's. */
    private static final Logger LOG = LoggerFactory.getLogger(TokenProvider.class);

    private final LoginGuard guard;
    private final int max;
    private final Duration longestLogin;
    private final MeterRegistry meters;
    private volatile boolean refusalLogged;

    LoginCount(LoginGuard guard, int max, Duration longestLogin, MeterRegistry meters) {
        this.guard = guard;
        this.max = max;
        this.longestLogin = longestLogin;
        this.meters = meters;
    }

    /** Counts a login about to be made; throws (the login must not be made) once the limit is counted. */
    void reserve() {
        if (!guard.reserve(max)) {
            if (guard.lastFailure() == null && guard.sinceUpdateMs() < longestLogin.toMillis()) {
                // every login counted since the last usable token is still under way (other instances logging in
                // at the same moment): none failed, so this is no lock-out; the request tries again after its back-off.
                // A count that stayed so longer than any login takes is logins that never settled (processes killed
                // mid-login): whether EnKash counted them is unknown, so that is the lock-out an operator clears.
                countLogin("busy");
                throw new EnkashRetryableException("other EnKash logins are under way (" + guard.failures()
                        + " counted, none failed): trying again shortly");
            }
            throw refused();
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

    /** The reserved login returned a usable token. */
    void succeeded() {
        guard.succeeded();
        countLogin("token");
    }

    /** The reserved login certainly never reached EnKash: its reservation is given back. Returns {@code failure}. */
    RuntimeException notSent(Throwable cause, RuntimeException failure) {
        guard.giveBack();
        countLogin("not-sent");
        LOG.warn("EnKash token endpoint not reached ({}); this login is not counted", cause.getClass().getSimpleName());
        return failure;
    }

    /** Logs a failed login that stays counted, and returns the failure to throw. */
    RuntimeException counted(String what, RuntimeException failure) {
        countLogin(failure instanceof CredentialsRejectedException ? "rejected" : "failed");
        guard.failed(what + ": " + failure.getMessage());
        int failures = guard.failures();
        if (failures >= max) {
            refusalLogged = true;
            LOG.error("EnKash login failed ({}), {} in a row. The bundle has STOPPED asking for tokens so that EnKash "
                    + "does not lock the account (it locks at 3), also after a restart. Every request now fails "
                    + "with: {}", what, failures, CredentialsRejectedException.PLAIN_REASON);
        } else {
            LOG.error("EnKash login failed ({}): {} of {} failed logins in a row allowed before the bundle stops "
                    + "logging in", what, failures, max);
        }
        return failure;
    }

    /** Clears the count for an operator; returns the count it cleared. */
    int clear() {
        int cleared = guard.clear();
        refusalLogged = false;
        LOG.warn("EnKash login lock cleared by an operator ({} failed logins in a row were counted)", cleared);
        return cleared;
    }

    /** Clears the count without a word: a fresh start, for tests. */
    void reset() {
        guard.clear();
        refusalLogged = false;
    }

    int failures() {
        return guard.failures();
    }

    String lastFailure() {
        return guard.lastFailure();
    }

    private void countLogin(String result) {
        meters.counter("cardroutes.enkash.logins", "result", result).increment();
    }
}
