package io.cardroutes.sftp;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.remote.RemoteFilePollingConsumerPollStrategy;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the SFTP inbox's polls go (bean {@code sftpInbox}, the consumer's poll strategy and exception
 * handler): a failed poll (server down, login or host key refused) is logged in one line that says why,
 * and the health check {@code sftp-inbox} is DOWN from then until a poll succeeds. Camel's own consumer
 * check resets between the back-off's skipped polls; this one does not.
 */
public final class SftpInbox extends RemoteFilePollingConsumerPollStrategy implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger("io.cardroutes.sftp");

    private final Clock clock;
    private volatile String trouble;
    private volatile Instant troubleSince;

    private final Counter failures;

    public SftpInbox(Clock clock, MeterRegistry meters) {
        this.clock = clock;
        this.failures = Counter.builder("cardroutes.sftp.failures")
                .description("SFTP inbox polls that failed (server down, login or host key refused)").register(meters);
    }

    /** A poll that succeeded, whether or not it found files: the server is reachable and trusted. */
    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (trouble != null) {
            LOG.info("SFTP inbox reachable again (it was not since {})", troubleSince);
            trouble = null;
            troubleSince = null;
        }
    }

    /** A poll that failed: remembered for the health check; the consumer disconnects and backs off. */
    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception e) throws Exception {
        failures.increment();
        if (troubleSince == null) {
            troubleSince = clock.instant();
        }
        trouble = describe(e);
        return super.rollback(consumer, endpoint, retryCounter, e);
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    /** One line, no stack trace (that is at DEBUG): the poll is retried after the back-off. */
    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        LOG.warn("SFTP inbox: {} ({})", describe(exception), message == null ? "error" : message.replaceAll("\\?.*", ""));
        LOG.debug("SFTP inbox failure", exception);
    }

    /** The health check {@code sftp-inbox}, for /observe/health. */
    public AbstractHealthCheck healthCheck() {
        return new AbstractHealthCheck("cardroutes", "sftp-inbox") {
            @Override
            public boolean isLiveness() {
                return false; // a partner's server being down is no reason to restart the bundle
            }

            @Override
            public boolean isReadiness() {
                return false; // nor to take the bundle out of service: REST, JMS and the inbox keep working
            }

            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                String now = trouble;
                if (now == null) {
                    builder.up();
                } else {
                    builder.message("cannot poll the SFTP inbox since " + troubleSince + ": " + now).down();
                }
            }
        };
    }

    /** The failure and its causes' messages, e.g. "Cannot connect to sftp://...: reject HostKey: [host]:22". */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }
}
