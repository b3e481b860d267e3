package io.cardroutes.channels;

import java.nio.file.Path;

import io.cardroutes.SafeUrls;
import io.cardroutes.Settings;

/**
 * Where the JMS channel's broker is: the embedded one (no {@code app.broker.url}) or an external
 * one, and how the embedded one is set up.
 */
public record BrokerSettings(String url, String user, String password, int embeddedPort, Path dataDir,
        int maxDeliveryAttempts, long redeliveryDelayMs, String requestsQueue, String resultsQueue, String dlq,
        boolean embeddedLogin, String batchWorkQueue) {

    public static BrokerSettings from(Settings s) {
        return new BrokerSettings(
                s.text("app.broker.url", ""),
                s.text("app.broker.user", ""),
                s.text("app.broker.password", ""),
                s.integer("app.broker.embedded.port"),
                s.folder("app.broker.data-dir"),
                s.integer("app.broker.embedded.max-delivery-attempts"),
                s.longValue("app.broker.embedded.redelivery-delay-ms"),
                s.text("app.jms.requests-queue"),
                s.text("app.jms.results-queue"),
                s.text("app.jms.dlq"),
                s.flag("app.broker.embedded.login.enabled"),
                s.text("app.batch-work.queue"));
    }

    /** No broker URL configured: the bundle runs its own. */
    public boolean embedded() {
        return url.isEmpty();
    }

    /** What the bundle's JMS connections dial (Netty's native epoll is not on the classpath: plain NIO). */
    public String connectUrl() {
        return embedded() ? acceptorUrl() + "?useEpoll=false" : url;
    }

    /** The embedded broker's only acceptor: localhost, CORE (JMS clients). */
    public String acceptorUrl() {
        return "tcp://localhost:" + embeddedPort;
    }

    /** The connect URL fit for a log line: no query string, where credentials could hide. */
    public String describe() {
        return SafeUrls.describe(connectUrl());
    }

    @Override
    public String toString() {
        return "BrokerSettings[" + (embedded() ? "embedded " + acceptorUrl() + ", journal " + dataDir : describe())
                + ", user " + (user.isEmpty() ? "none" : "set") + ", queues " + requestsQueue + " / " + resultsQueue
                + " / " + dlq + "]";
    }
}
