package io.cardroutes.channels;

import java.util.concurrent.TimeUnit;

import io.cardroutes.ContextEvents;
import io.cardroutes.Settings;
import io.cardroutes.enkash.TokenProvider;
import io.cardroutes.persistence.OutcomeWriter;
import io.vertx.core.VertxOptions;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds what the JMS and REST route files use: the broker (embedded unless {@code app.broker.url}
 * names one), the {@code jms} component on it, and the beans of both channels. Runs after
 * {@code BundleConfiguration}, whose ledgers it uses.
 */
public class ChannelsConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelsConfiguration.class);
    static final String DEMO_KEY = "demo-key";

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();

        BrokerSettings broker = BrokerSettings.from(settings);
        if (broker.embedded()) {
            if (broker.embeddedLogin() && (broker.user().isEmpty() || broker.password().isEmpty())) {
                throw new IllegalStateException("The embedded broker requires a login (app.broker.embedded.login.enabled,"
                        + " on in the prod profile): set APP_BROKER_USER and APP_BROKER_PASSWORD, or APP_BROKER_URL");
            }
            EmbeddedBroker embedded = new EmbeddedBroker(broker);
            registry.bind("embeddedBroker", embedded);
            context.addService(embedded, true, true);
        }
        registry.bind("jms", JmsComponent.jmsComponent(connectionFactory(broker)));
        registry.bind("jmsRequests", new JmsRequests());
        registry.bind("pipelineOutcome", new PipelineOutcome());
        LOG.info("JMS channel: broker {}, requests {}, results {}, DLQ {}",
                broker.embedded() ? "embedded on " + broker.acceptorUrl() : broker.describe(),
                broker.requestsQueue(), broker.resultsQueue(), broker.dlq());

        ApiKeyGuard guard = new ApiKeyGuard(settings.set("app.api-keys"));
        registry.bind("apiKeyGuard", guard);
        registry.bind("restCards", new RestCards(registry.lookupByNameAndType("outcomeWriter", OutcomeWriter.class)));
        registry.bind("restReplays", new RestReplays());
        registry.bind("restFailures", new RestFailures());
        registry.bind("restLoginLock",
                new RestLoginLock(registry.lookupByNameAndType("tokenProvider", TokenProvider.class)));
        // synchronous REST calls each hold a Vert.x worker thread while their request runs (Vert.x has 20)
        ProblemVertx vertx = new ProblemVertx(new VertxOptions().setWorkerPoolSize(settings.integer("app.http.worker-threads")));
        registry.bind("vertx", vertx);
        // platform-http closes only a Vert.x it made itself: this one closes once every server on it has stopped
        ContextEvents.on(context, CamelEvent.CamelContextStoppedEvent.class,
                event -> vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
        HttpServerSetup.install(context, settings.integer("app.http.port"),
                settings.longValue("app.http.max-body-bytes"));
        if (guard.keyCount() == 0) {
            LOG.warn("REST channel: no API key configured (app.api-keys), so every call is refused");
        } else if (guard.known(DEMO_KEY)) {
            LOG.warn("REST channel: the demo API key is accepted; set APP_API_KEYS for anything but a demo");
        }
    }

    private static ConnectionFactory connectionFactory(BrokerSettings broker) {
        ActiveMQConnectionFactory factory = broker.user().isEmpty()
                ? new ActiveMQConnectionFactory(broker.connectUrl())
                : new ActiveMQConnectionFactory(broker.connectUrl(), broker.user(), broker.password());
        // every reply resolves its queue by name; without the cache that is a blocking broker round trip each time
        factory.setCacheDestinations(true);
        return factory;
    }
}
