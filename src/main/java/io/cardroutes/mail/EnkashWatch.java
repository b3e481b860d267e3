package io.cardroutes.mail;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Watches every call the bundle makes to EnKash (token, Create, search: each an HTTP endpoint on
 * EnKash's hosts) and remembers since when none got an answer; and says once per occurrence when an
 * alert is due: EnKash unreachable for a while, reachable again, the login locked.
 *
 * <p>"No answer" is a call that failed without an HTTP answer (connection refused, timeout, reset)
 * or got 502, 503 or 504 (a gateway in front of EnKash answering for it). Any other answer, even a
 * refusal, means EnKash is reachable.
 */
public class EnkashWatch extends EventNotifierSupport {

    private final List<String> hosts;
    private final BooleanSupplier loginLocked;
    private final Clock clock;

    private Instant failingSince;
    private boolean unreachableAlerted;
    private boolean lockAlerted;

    public EnkashWatch(List<String> enkashUrls, BooleanSupplier loginLocked, Clock clock) {
        this.hosts = enkashUrls.stream().map(u -> URI.create(u).getRawAuthority()).distinct().toList();
        this.loginLocked = loginLocked;
        this.clock = clock;
    }

    /** The sending event too: Camel emits the sent event only to a notifier that took the sending one. */
    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeSendingEvent sending && isEnkash(sending.getEndpoint().getEndpointUri())
                || event instanceof ExchangeSentEvent sent && isEnkash(sent.getEndpoint().getEndpointUri());
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof ExchangeSentEvent sent)) {
            return;
        }
        Exchange exchange = sent.getExchange();
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        boolean answered = exchange.getException() == null && status != 0 && status != 502 && status != 503
                && status != 504;
        synchronized (this) {
            if (answered) {
                failingSince = null;
            } else if (failingSince == null) {
                failingSince = clock.instant();
            }
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

    private boolean isEnkash(String endpointUri) {
        for (String host : hosts) {
            if (endpointUri.contains("://" + host + "/") || endpointUri.endsWith("://" + host)
                    || endpointUri.contains("://" + host + "?")) {
                return true;
            }
        }
        return false;
    }
}
