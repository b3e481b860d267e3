package io.cardroutes.enkash;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

import io.cardroutes.pipeline.CardExchange;
import org.apache.camel.Exchange;
import org.apache.hc.client5.http.ConnectTimeoutException;

/**
 * Sorts a failed Create call into "not processed" (EnKash certainly did not act: safe to resend
 * under the redelivery policy) and "unknown" (the request may have reached EnKash: search first).
 * The table is in README ("Never a second card").
 */
public final class FailureClassifier {

    /** True when the call may have taken effect at EnKash. */
    public static boolean isOutcomeUnknown(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof EnkashOutcomeUnknownException) {
                return true;
            }
            if (c instanceof EnkashException) {
                return false; // refused, retryable (429/503), credentials: EnKash said it did not act
            }
            if (neverLeft(c)) {
                return false;
            }
            if (c instanceof IOException) {
                return true; // read timeout, reset after sending, no answer: it may have been processed
            }
        }
        return false;
    }

    /** True when this failure (not its causes) means the request never left: no connection was made. */
    public static boolean neverLeft(Throwable t) {
        return t instanceof ConnectException || t instanceof UnknownHostException
                || t instanceof NoRouteToHostException || t instanceof ConnectTimeoutException;
    }

    /** True when this failure or one of its causes means the request never left. */
    public static boolean certainlyNotSent(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (neverLeft(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * For the route's doCatch of a transport failure: throws it again as what it means, an unknown
     * outcome (the request may have reached EnKash) or a retryable one (it never left).
     */
    public void rethrow(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String what = t == null ? "unknown error" : t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : " (" + t.getMessage() + ")");
        if (isOutcomeUnknown(t)) {
            throw new EnkashOutcomeUnknownException("No answer from EnKash: " + what + "; the card may exist", 0);
        }
        exchange.setProperty(CardExchange.SEND_UNSETTLED, false); // the request never left
        throw new EnkashRetryableException("EnKash unreachable: " + what, 0, null);
    }
}
