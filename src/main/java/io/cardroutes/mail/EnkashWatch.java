package io.cardroutes.mail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Watches every call the bundle makes to EnKash (token, Create, search: each told by
 * {@link io.cardroutes.ops.CallMeters} from routes/enkash-call.camel.yaml) and remembers since when none got an answer; and says once per occurrence when an
 * alert is due: EnKash unreachable for a while, reachable again, the login locked.
 *
 * <p>"No answer" is a call that failed without an HTTP answer (connection refused, timeout, reset)
 * or got 502, 503 or 504 (a gateway in front of EnKash answering for it). Any other answer, even a
 * refusal, means EnKash is reachable.
 */
public class EnkashWatch {

    private final BooleanSupplier loginLocked;
    private final Clock clock;

    private volatile Instant failingSince;
    private boolean unreachableAlerted;
    private boolean lockAlerted;

    public EnkashWatch(BooleanSupplier loginLocked, Clock clock) {
        this.loginLocked = loginLocked;
        this.clock = clock;
    }

    /** One EnKash call ended: answered (any HTTP answer but 502, 503, 504) or not. */
    public void called(boolean answered) {
        if (answered ? failingSince == null : failingSince != null) {
            return; // nothing changes: most calls, without taking the lock
        }
        synchronized (this) {
            setFailing(answered);
        }
    }

    private void setFailing(boolean answered) {
        if (answered) {
            failingSince = null;
        } else if (failingSince == null) {
            failingSince = clock.instant();
        }
    }

    /** True once per outage: no call got an answer for at least {@code afterMs}. */
    public synchronized boolean unreachableAlertDue(long afterMs) {
        boolean unreachable = failingSince != null
                && Duration.between(failingSince, clock.instant()).toMillis() >= afterMs;
        if (unreachable && !unreachableAlerted) {
            unreachableAlerted = true;
            return true;
        }
        return false;
    }

    /** True once after an outage that was alerted: a call got an answer again. */
    public synchronized boolean reachableAgainDue() {
        if (unreachableAlerted && failingSince == null) {
            unreachableAlerted = false;
            return true;
        }
        return false;
    }

    /** When the calls began to go unanswered (ISO-8601), or "-". */
    public synchronized String failingSince() {
        return failingSince == null ? "-" : failingSince.toString();
    }

    /** True once each time the EnKash login becomes locked (the failed-login count reached its limit). */
    public synchronized boolean loginLockAlertDue() {
        boolean locked = loginLocked.getAsBoolean();
        boolean due = locked && !lockAlerted;
        lockAlerted = locked;
        return due;
    }
}
