package io.cardroutes.channels;

import java.nio.file.Path;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Apache ActiveMQ Artemis broker inside the bundle, started as a Camel service before the routes
 * and stopped after them. It listens on localhost only (Artemis' CORE protocol, the one JMS clients speak), keeps a
 * persistent journal, so a message being handled when the bundle dies is still there on restart,
 * and moves a request that keeps failing to the DLQ instead of redelivering it for ever. Accepted REST
 * batches wait on their own queue until they are finished (routes/batch-work.camel.yaml).
 */
public class EmbeddedBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    static final String ACCEPTOR = "enkash-card-routes";

    private final BrokerSettings settings;
    private EmbeddedActiveMQ server;

    public EmbeddedBroker(BrokerSettings settings) {
        this.settings = settings;
    }

    Configuration configuration() throws Exception {
        Path dir = settings.dataDir();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("enkash-card-routes-broker");
        config.setPersistenceEnabled(true);
        config.setJournalType(JournalType.NIO);
        config.setJournalDirectory(dir.resolve("journal").toString());
        config.setBindingsDirectory(dir.resolve("bindings").toString());
        config.setPagingDirectory(dir.resolve("paging").toString());
        config.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        config.setNodeManagerLockDirectory(dir.toString());
        // bound to localhost: only programs on this machine reach it; a login on top where asked (prod)
        config.setSecurityEnabled(settings.embeddedLogin());
        // Camel's own JMX tree stays the one Hawtio shows; a second broker in the JVM (tests) cannot clash
        config.setJMXManagementEnabled(false);
        config.addAcceptorConfiguration(ACCEPTOR, settings.acceptorUrl() + "?protocols=CORE;useEpoll=false");
        SimpleString dlq = SimpleString.of(settings.dlq());
        // every address: dead and expired messages end in the DLQ; request messages also after repeated rollbacks
        config.addAddressSetting("#", new AddressSettings().setDeadLetterAddress(dlq).setExpiryAddress(dlq));
        config.addAddressSetting(settings.requestsQueue(), new AddressSettings()
                .setDeadLetterAddress(dlq)
                .setExpiryAddress(dlq)
                .setMaxDeliveryAttempts(settings.maxDeliveryAttempts())
                .setRedeliveryDelay(settings.redeliveryDelayMs()));
        // accepted REST batches: never moved to the DLQ by the broker; the batch-work route decides when one is STUCK
        config.addAddressSetting(settings.batchWorkQueue(), new AddressSettings()
                .setDeadLetterAddress(dlq)
                .setExpiryAddress(dlq)
                .setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(settings.redeliveryDelayMs()));
        for (String queue : new String[] {settings.requestsQueue(), settings.resultsQueue(), settings.dlq(),
                settings.batchWorkQueue()}) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST)
                    .setDurable(true));
        }
        return config;
    }

    @Override
    protected void doStart() throws Exception {
        server = new EmbeddedActiveMQ().setConfiguration(configuration());
        if (settings.embeddedLogin()) {
            server.setSecurityManager(new BrokerLogin(settings.user(), settings.password()));
        }
        server.start();
        if (!server.getActiveMQServer().isActive()) {
            // Artemis returns from start() even when it could not bind its acceptor; the bundle would
            // then talk to whatever else listens on that port, so refuse to start instead
            doStop();
            throw new IllegalStateException("The embedded broker cannot listen on " + settings.acceptorUrl()
                    + " (port in use?): set APP_BROKER_EMBEDDED_PORT, or APP_BROKER_URL for an external broker");
        }
        LOG.info("Embedded Artemis broker listening on {} (CORE, {}), journal {}", settings.acceptorUrl(),
                settings.embeddedLogin() ? "login required" : "no login", settings.dataDir());
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }
}
