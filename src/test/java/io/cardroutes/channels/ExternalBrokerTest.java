package io.cardroutes.channels;

import static io.cardroutes.channels.ChannelTesting.mobile;
import static io.cardroutes.channels.ChannelTesting.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.support.Bundle;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.junit.jupiter.api.Test;

/**
 * APP_BROKER_URL set: the bundle starts no broker of its own and works against the one it names,
 * logging in with app.broker.user / app.broker.password (and never logging the password).
 */
class ExternalBrokerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "cards-app";
    private final String password = "broker-pw-" + UUID.randomUUID();
    private final Set<String> logins = ConcurrentHashMap.newKeySet();

    @Test
    void with_app_broker_url_the_bundle_uses_that_broker_with_its_login_and_starts_none_of_its_own()
            throws Exception {
        int externalPort = ChannelTesting.freePort();
        EmbeddedActiveMQ external = externalBroker(externalPort);
        int embeddedPort = ChannelTesting.freePort();
        try (Bundle bundle = Bundle.start(Map.of(
                "app.broker.url", "tcp://localhost:" + externalPort,
                "app.broker.user", USER,
                "app.broker.password", password,
                "app.broker.embedded.port", String.valueOf(embeddedPort),
                "app.broker.data-dir", Files.createTempDirectory("unused-broker-").toString()))) {
            bundle.freshSandbox();
            String mobile = mobile();
            String requestId = "JMS-EXT-" + UUID.randomUUID();

            JsonNode outcome;
            try (Connection client = new ActiveMQConnectionFactory("tcp://localhost:" + externalPort
                    + "?useEpoll=false", USER, password).createConnection()) {
                client.start();
                Session session = client.createSession(false, Session.AUTO_ACKNOWLEDGE);
                TemporaryQueue replies = session.createTemporaryQueue();
                TextMessage message = session.createTextMessage(request(requestId, mobile));
                message.setJMSReplyTo(replies);
                session.createProducer(session.createQueue("enkash.cards.requests")).send(message);
                TextMessage reply = (TextMessage) session.createConsumer(replies).receive(30_000);
                assertThat(reply).as("the reply through the external broker").isNotNull();
                outcome = JSON.readTree(reply.getText());
            }

            assertThat(outcome.get("requestId").asText()).isEqualTo(requestId);
            assertThat(outcome.get("status").asText()).isEqualTo("CREATED");
            assertThat(bundle.sandbox().cardsFor(mobile)).isEqualTo(1);
            assertThat(logins).as("the bundle logged in with app.broker.user and app.broker.password")
                    .contains(USER + ":ok");
            assertThat(logins).noneMatch(login -> login.endsWith(":refused"));
            assertThat(bundle.context().getRegistry().lookupByName("embeddedBroker")).isNull();
            assertThatThrownBy(() -> new Socket("localhost", embeddedPort).close())
                    .as("nothing listens on the embedded broker's port").isInstanceOf(ConnectException.class);
        } finally {
            external.stop();
        }
        Path log = Path.of("target/test-logs/bundle.log");
        if (Files.exists(log)) {
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain(password);
        }
    }

    /** A second broker, as an ESB landscape has it: its own port, logins required. */
    private EmbeddedActiveMQ externalBroker(int port) throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("external-test-broker");
        config.setPersistenceEnabled(false);
        config.setSecurityEnabled(true);
        config.setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("tcp", "tcp://localhost:" + port + "?useEpoll=false");
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.setSecurityManager(new ActiveMQSecurityManager() {
            @Override
            public boolean validateUser(String user, String pass) {
                boolean ok = USER.equals(user) && password.equals(pass);
                logins.add(user + (ok ? ":ok" : ":refused"));
                return ok;
            }

            @Override
            public boolean validateUserAndRole(String user, String pass, Set<Role> roles, CheckType checkType) {
                return validateUser(user, pass);
            }
        });
        broker.start();
        return broker;
    }
}
