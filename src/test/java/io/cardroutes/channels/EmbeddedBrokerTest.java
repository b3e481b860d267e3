package io.cardroutes.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/** The embedded broker on its own: a durable journal, and no silent start when its port is taken. */
class EmbeddedBrokerTest {

    @Test
    void a_message_left_on_the_requests_queue_is_still_there_after_a_restart() throws Exception {
        BrokerSettings settings = settings(ChannelTesting.freePort(), Files.createTempDirectory("broker-"));
        EmbeddedBroker broker = new EmbeddedBroker(settings);
        broker.start();
        try (Connection c = connect(settings)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue(settings.requestsQueue())).send(s.createTextMessage("{\"requestId\":\"J-1\"}"));
        }
        broker.stop();

        EmbeddedBroker again = new EmbeddedBroker(settings);
        again.start();
        try (Connection c = connect(settings)) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage kept = (TextMessage) s.createConsumer(s.createQueue(settings.requestsQueue())).receive(10_000);
            assertThat(kept).isNotNull();
            assertThat(kept.getText()).isEqualTo("{\"requestId\":\"J-1\"}");
        } finally {
            again.stop();
        }
        assertThat(settings.dataDir().resolve("journal")).isDirectory();
    }

    @Test
    void refuses_to_start_when_its_port_is_taken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("localhost"))) {
            EmbeddedBroker broker = new EmbeddedBroker(settings(taken.getLocalPort(),
                    Files.createTempDirectory("broker-")));

            assertThatThrownBy(broker::start).hasMessageContaining("cannot listen on tcp://localhost:"
                    + taken.getLocalPort()).hasMessageContaining("APP_BROKER_EMBEDDED_PORT");
        }
    }

    private static BrokerSettings settings(int port, Path dir) {
        return new BrokerSettings("", "", "", port, dir, 5, 50, "enkash.cards.requests", "enkash.cards.results",
                "enkash.cards.dlq", false, "enkash.cards.batch-work");
    }

    private static Connection connect(BrokerSettings settings) throws Exception {
        return new ActiveMQConnectionFactory(settings.connectUrl()).createConnection();
    }
}
