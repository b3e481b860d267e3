package io.cardroutes.mail;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.mail.MessagingException;
import org.apache.camel.Exchange;

/**
 * Sorts a failed mail into temporary (an SMTP 4xx reply, a mail server that is down or does not
 * answer: worth sending again later) and permanent (a 5xx reply, a refused login), and counts the
 * mails sent and given up (shown by the bundle's MBean).
 */
public class MailFailures {

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong notSent = new AtomicLong();

    /** For the routes' onWhen: true when the exchange's failure is worth a later try. */
    public boolean temporary(Exchange exchange) {
        return isTemporary(failure(exchange));
    }

    /** What went wrong, without the addresses a server's reply may quote: "SMTP 451", "ConnectException". */
    public String describe(Exchange exchange) {
        Throwable t = failure(exchange);
        int code = replyCode(t);
        return code > 0 ? "SMTP " + code : t == null ? "unknown" : rootCause(t).getClass().getSimpleName();
    }

    public void sent() {
        sent.incrementAndGet();
    }

    public void notSent() {
        notSent.incrementAndGet();
    }

    public long sentCount() {
        return sent.get();
    }

    public long notSentCount() {
        return notSent.get();
    }

    static boolean isTemporary(Throwable t) {
        int code = replyCode(t);
        if (code > 0) {
            return code >= 400 && code < 500;
        }
        for (Throwable c = t; c != null; c = next(c)) {
            if (c instanceof ConnectException || c instanceof SocketTimeoutException
                    || c instanceof UnknownHostException || c.getClass().getSimpleName().equals("MailConnectException")) {
                return true;
            }
        }
        // no reply code and no connection trouble: a broken connection (IOException) is temporary,
        // anything else (a refused login, a malformed address) is not
        return rootCause(t) instanceof IOException;
    }

    /** The SMTP reply code the failure carries (Angus Mail's SMTP*FailedException), or 0. */
    static int replyCode(Throwable t) {
        for (Throwable c = t; c != null; c = next(c)) {
            try {
                Method m = c.getClass().getMethod("getReturnCode");
                Object code = m.invoke(c);
                if (code instanceof Integer i && i > 0) {
                    return i;
                }
            } catch (ReflectiveOperationException e) {
                // not an SMTP reply
            }
        }
        return 0;
    }

    private static Throwable next(Throwable t) {
        Throwable n = t instanceof MessagingException m && m.getNextException() != null ? m.getNextException()
                : t.getCause();
        return n == t ? null : n;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c != null && next(c) != null) {
            c = next(c);
        }
        return c;
    }

    private static Throwable failure(Exchange exchange) {
        Throwable t = exchange.getException();
        return t != null ? t : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }
}
