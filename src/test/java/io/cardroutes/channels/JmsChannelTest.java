package io.cardroutes.channels;

import static io.cardroutes.channels.ChannelTesting.mobile;
import static io.cardroutes.channels.ChannelTesting.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.sandbox.RecordedCall;
import io.cardroutes.support.Bundle;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JMS channel on the embedded broker: requests in, outcomes to JMSReplyTo or the results queue, poison to the DLQ. */
class JmsChannelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUESTS = "enkash.cards.requests";
    private static final String RESULTS = "enkash.cards.results";
    private static final String DLQ = "enkash.cards.dlq";

    private static final Map<String, String> PROPERTIES = properties();
    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(PROPERTIES);
    private static final String brokerUrl = ChannelTesting.brokerUrl(PROPERTIES);
    private EnkashSandbox sandbox;
    private Connection connection;
    private Session session;

    /** How many of the next replies fail (a stand-in for a crash after the Create call). */
    private static final AtomicInteger REPLY_FAILURES = new AtomicInteger();
    /** How many of the next messages fail just after their reply was sent (a crash before the commit). */
    private static final AtomicInteger AFTER_REPLY_FAILURES = new AtomicInteger();

    private static Map<String, String> properties() {
        Map<String, String> props = ChannelTesting.embeddedBroker();
        props.put("app.jms.concurrent-consumers", "4");
        return props;
    }

    @BeforeAll
    static void failOnDemandAroundTheReply() throws Exception {
        AdviceWith.adviceWith(bundle.context(), "inbound-jms-reply", route -> {
            route.weaveById("inbound-jms-send-outcome").before().process(exchange -> {
                if (REPLY_FAILURES.getAndDecrement() > 0) {
                    throw new IllegalStateException("simulated crash before the reply");
                }
            });
            route.weaveById("inbound-jms-send-outcome").after().process(exchange -> {
                if (AFTER_REPLY_FAILURES.getAndDecrement() > 0) {
                    throw new IllegalStateException("simulated crash after the reply, before the commit");
                }
            });
        });
    }

    @BeforeEach
    void connect() throws Exception {
        sandbox = bundle.freshSandbox();
        connection = new ActiveMQConnectionFactory(brokerUrl).createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        drain(RESULTS);
        drain(DLQ);
    }

    @AfterEach
    void disconnect() throws Exception {
        connection.close();
    }

    @Test
    void a_request_with_jms_reply_to_gets_its_outcome_there_with_its_correlation_id() throws Exception {
        String mobile = mobile();
        TemporaryQueue replies = session.createTemporaryQueue();
        TextMessage message = session.createTextMessage(request("JMS-REPLY-" + UUID.randomUUID(), mobile));
        message.setJMSReplyTo(replies);
        message.setJMSCorrelationID("order-4711");
        send(message);

        Message reply = receive(replies);

        assertThat(reply).isInstanceOf(TextMessage.class);
        assertThat(reply.getJMSCorrelationID()).isEqualTo("order-4711");
        JsonNode outcome = JSON.readTree(((TextMessage) reply).getText());
        assertThat(outcome.get("requestId").asText()).isEqualTo(JSON.readTree(message.getText()).get("requestId").asText());
        assertThat(outcome.get("status").asText()).isEqualTo("CREATED");
        assertThat(outcome.get("enKashCardId").asText()).startsWith("EKC");
        assertThat(outcome.get("maskedNumber").asText()).startsWith("XXXX");
        assertThat(outcome.get("replay").asBoolean()).isFalse();
        assertThat(outcome.has("error")).isTrue();
        assertThat(sandbox.cardsFor(mobile)).isEqualTo(1);
        JsonNode sent = JSON.readTree(sandbox.createCallsReceived().get(0).body());
        assertThat(sent.get("mobile").asText()).isEqualTo(mobile);
        assertThat(sent.get("companyId").asText()).isEqualTo("SANDBOX-COMPANY");
        assertThat(sent.has("requestId")).as("our requestId never reaches EnKash").isFalse();
        assertThat(receiveNoWait(RESULTS)).as("nothing on the results queue").isNull();
    }

    @Test
    void without_reply_to_the_outcome_goes_to_the_results_queue_correlated_by_message_id() throws Exception {
        String mobile = mobile();
        String requestId = "JMS-PROP-" + UUID.randomUUID();
        TextMessage message = session.createTextMessage(request(mobile));
        message.setStringProperty("requestId", requestId);
        send(message);

        TextMessage result = (TextMessage) receive(session.createQueue(RESULTS));

        assertThat(result.getJMSCorrelationID()).isEqualTo(message.getJMSMessageID());
        JsonNode outcome = JSON.readTree(result.getText());
        assertThat(outcome.get("requestId").asText()).as("from the requestId property").isEqualTo(requestId);
        assertThat(outcome.get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.cardsFor(mobile)).isEqualTo(1);
        assertThat(bundle.awaitRow(requestId, "CREATED")).containsEntry("channel", "JMS").containsEntry("source", REQUESTS);
    }

    @Test
    void a_request_without_any_id_is_known_by_its_jms_message_id() throws Exception {
        TextMessage message = session.createTextMessage(request(mobile()));
        send(message);

        JsonNode outcome = JSON.readTree(((TextMessage) receive(session.createQueue(RESULTS))).getText());

        assertThat(outcome.get("requestId").asText()).isEqualTo(message.getJMSMessageID());
        assertThat(outcome.get("status").asText()).isEqualTo("CREATED");
    }

    @Test
    void the_same_request_sent_again_is_answered_from_the_record_without_a_second_card() throws Exception {
        String mobile = mobile();
        String body = request("JMS-TWICE-" + UUID.randomUUID(), mobile);
        send(session.createTextMessage(body));
        JsonNode first = JSON.readTree(((TextMessage) receive(session.createQueue(RESULTS))).getText());
        send(session.createTextMessage(body));
        JsonNode second = JSON.readTree(((TextMessage) receive(session.createQueue(RESULTS))).getText());

        assertThat(first.get("replay").asBoolean()).isFalse();
        assertThat(second.get("replay").asBoolean()).isTrue();
        assertThat(second.get("enKashCardId").asText()).isEqualTo(first.get("enKashCardId").asText());
        assertThat(sandbox.cardsFor(mobile)).isEqualTo(1);
        assertThat(sandbox.createCalls()).isEqualTo(1);
    }

    @Test
    void an_array_is_answered_with_an_array_of_outcomes_in_input_order() throws Exception {
        String good = mobile();
        String other = mobile();
        TextMessage message = session.createTextMessage("[" + request(good) + ","
                + "{\"firstName\":\"Ravi\",\"lastName\":\"K\",\"mobile\":\"12345\",\"email\":\"ravi@example.com\"},"
                + request(other) + "]");
        send(message);

        JsonNode outcomes = JSON.readTree(((TextMessage) receive(session.createQueue(RESULTS))).getText());

        assertThat(outcomes).hasSize(3);
        assertThat(outcomes.get(0).get("requestId").asText()).isEqualTo(message.getJMSMessageID() + "#1");
        assertThat(outcomes.get(0).get("status").asText()).isEqualTo("CREATED");
        assertThat(outcomes.get(1).get("status").asText()).isEqualTo("REJECTED");
        assertThat(outcomes.get(1).get("error").asText()).contains("$.mobile");
        assertThat(outcomes.get(2).get("requestId").asText()).isEqualTo(message.getJMSMessageID() + "#3");
        assertThat(outcomes.get(2).get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.cardsFor(good)).isEqualTo(1);
        assertThat(sandbox.cardsFor(other)).isEqualTo(1);
        assertThat(sandbox.createCalls()).as("the invalid request never reached EnKash").isEqualTo(2);
        assertThat(bundle.query("select status, total from card_batch where channel = 'JMS' and source = ?", REQUESTS))
                .contains(Map.of("status", "DONE", "total", 3));
    }

    @Test
    void an_invalid_request_is_answered_rejected_with_its_field_problems() throws Exception {
        TemporaryQueue replies = session.createTemporaryQueue();
        TextMessage message = session.createTextMessage(
                "{\"firstName\":\"Asha\",\"lastName\":\"Rao\",\"mobile\":\"98765\",\"email\":\"not-an-email\"}");
        message.setJMSReplyTo(replies);
        send(message);

        JsonNode outcome = JSON.readTree(((TextMessage) receive(replies)).getText());

        assertThat(outcome.get("status").asText()).isEqualTo("REJECTED");
        assertThat(outcome.get("error").asText()).contains("$.mobile").contains("$.email");
        assertThat(sandbox.createCalls()).isZero();
    }

    @Test
    void a_poison_message_goes_to_the_dlq_with_its_reason_and_the_next_message_is_still_handled() throws Exception {
        TextMessage poison = session.createTextMessage("{\"firstName\": \"Asha\", oops");
        poison.setStringProperty("requestId", "JMS-POISON-" + UUID.randomUUID());
        send(poison);
        TextMessage notARequest = session.createTextMessage("[1, 2]");
        send(notARequest);
        String mobile = mobile();
        send(session.createTextMessage(request(mobile)));

        JsonNode outcome = JSON.readTree(((TextMessage) receive(session.createQueue(RESULTS))).getText());
        TextMessage dead = (TextMessage) receive(session.createQueue(DLQ));
        TextMessage deadToo = (TextMessage) receive(session.createQueue(DLQ));

        assertThat(outcome.get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.cardsFor(mobile)).isEqualTo(1);
        assertThat(sandbox.createCalls()).isEqualTo(1);
        List<TextMessage> dlq = List.of(dead, deadToo);
        TextMessage brokenJson = dlq.stream().filter(m -> text(m).contains("oops")).findFirst().orElseThrow();
        assertThat(brokenJson.getText()).as("the original body, untouched").isEqualTo(poison.getText());
        assertThat(brokenJson.getStringProperty("dlqReason")).startsWith("not valid JSON").contains("line 1");
        assertThat(brokenJson.getStringProperty("requestId")).isEqualTo(poison.getStringProperty("requestId"));
        TextMessage numbers = dlq.stream().filter(m -> text(m).equals("[1, 2]")).findFirst().orElseThrow();
        assertThat(numbers.getStringProperty("dlqReason")).isEqualTo("element 1 of the array is not a JSON object");
        assertThat(receiveNoWait(REQUESTS)).as("the requests queue is empty").isNull();
    }

    @Test
    void a_message_without_a_body_or_of_a_type_that_holds_no_json_goes_to_the_dlq_at_once_with_its_reason()
            throws Exception {
        jakarta.jms.MapMessage map = session.createMapMessage();
        map.setString("firstName", "Asha");
        map.setStringProperty("kind", "map");
        send(map);
        TextMessage nullText = session.createTextMessage();
        nullText.setStringProperty("kind", "null-text");
        send(nullText);
        jakarta.jms.ObjectMessage object = session.createObjectMessage(request(mobile()));
        object.setStringProperty("kind", "object");
        send(object);
        String mobile = mobile();
        send(session.createTextMessage(request(mobile)));

        JsonNode outcome = JSON.readTree(((TextMessage) receive(session.createQueue(RESULTS))).getText());
        Map<String, String> reasons = new java.util.TreeMap<>();
        for (int i = 0; i < 3; i++) {
            Message dead = receive(session.createQueue(DLQ));
            reasons.put(dead.getStringProperty("kind"), dead.getStringProperty("dlqReason"));
        }

        assertThat(outcome.get("status").asText()).isEqualTo("CREATED");
        assertThat(reasons).containsEntry("map", "a card request must be a TextMessage or BytesMessage holding JSON, "
                + "not a MapMessage")
                .containsEntry("object", "a card request must be a TextMessage or BytesMessage holding JSON, "
                        + "not an ObjectMessage")
                .containsEntry("null-text", "the message has no body");
        assertThat(sandbox.createCalls()).as("only the readable request reached EnKash").isEqualTo(1);
        assertThat(receiveNoWait(REQUESTS)).as("the requests queue is empty").isNull();
    }

    @Test
    void a_message_whose_handling_fails_after_the_create_call_is_redelivered_and_answered_from_the_record()
            throws Exception {
        String mobile = mobile();
        String requestId = "JMS-REDELIVER-" + UUID.randomUUID();
        REPLY_FAILURES.set(1); // as if the bundle died between EnKash's answer and the reply
        send(session.createTextMessage(request(requestId, mobile)));

        JsonNode outcome = JSON.readTree(((TextMessage) receive(session.createQueue(RESULTS))).getText());

        assertThat(REPLY_FAILURES.get()).as("the first delivery failed").isLessThanOrEqualTo(0);
        assertThat(outcome.get("requestId").asText()).isEqualTo(requestId);
        assertThat(outcome.get("status").asText()).isEqualTo("CREATED");
        assertThat(outcome.get("replay").asBoolean()).as("the redelivery is answered from the record").isTrue();
        assertThat(sandbox.createCalls()).isEqualTo(1);
        assertThat(sandbox.cardsFor(mobile)).isEqualTo(1);
    }

    @Test
    void the_reply_commits_with_the_consumption_so_a_crash_after_sending_it_sends_no_second_reply()
            throws Exception {
        String requestId = "JMS-ATOMIC-" + UUID.randomUUID();
        AFTER_REPLY_FAILURES.set(1);
        send(session.createTextMessage(request(requestId, mobile())));

        JsonNode outcome = JSON.readTree(((TextMessage) receive(session.createQueue(RESULTS))).getText());

        assertThat(AFTER_REPLY_FAILURES.get()).as("the first delivery failed after its reply").isLessThanOrEqualTo(0);
        assertThat(outcome.get("requestId").asText()).isEqualTo(requestId);
        assertThat(outcome.get("replay").asBoolean()).as("the first reply was rolled back with its message")
                .isTrue();
        assertThat(receiveNoWait(RESULTS)).as("exactly one reply").isNull();
        assertThat(sandbox.createCalls()).isEqualTo(1);
    }

    @Test
    void a_message_whose_handling_keeps_failing_ends_in_the_dlq_after_the_delivery_limit_with_one_card()
            throws Exception {
        String mobile = mobile();
        TextMessage message = session.createTextMessage(request("JMS-DEAD-" + UUID.randomUUID(), mobile));
        REPLY_FAILURES.set(Integer.MAX_VALUE);
        try {
            send(message);
            TextMessage dead = (TextMessage) receive(session.createQueue(DLQ));

            assertThat(dead.getText()).isEqualTo(message.getText());
            assertThat(dead.getStringProperty("_AMQ_ORIG_ADDRESS")).isEqualTo(REQUESTS);
            assertThat(sandbox.createCalls()).as("five deliveries, one Create call").isEqualTo(1);
            assertThat(sandbox.cardsFor(mobile)).isEqualTo(1);
        } finally {
            REPLY_FAILURES.set(0);
        }
    }

    @Test
    void several_requests_are_in_flight_to_enkash_at_once() throws Exception {
        int requests = 4;
        for (int i = 0; i < requests; i++) {
            sandbox.enqueue(Fault.stall(1000));
        }
        for (int i = 0; i < requests; i++) {
            send(session.createTextMessage(request(mobile())));
        }
        MessageConsumer results = session.createConsumer(session.createQueue(RESULTS));
        for (int i = 0; i < requests; i++) {
            assertThat(results.receive(30_000)).isNotNull();
        }

        // each answer is held back a second: the calls overlapped only if several consumers sent at once
        assertThat(sandbox.peakCreatesInProgress()).isGreaterThan(1);
    }

    private void send(Message message) throws Exception {
        try (MessageProducer producer = session.createProducer(session.createQueue(REQUESTS))) {
            producer.send(message);
        }
    }

    private Message receive(Queue queue) throws Exception {
        try (MessageConsumer consumer = session.createConsumer(queue)) {
            Message message = consumer.receive(30_000);
            assertThat(message).as("a message on " + queue.getQueueName()).isNotNull();
            return message;
        }
    }

    private Message receiveNoWait(String queue) throws Exception {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            return consumer.receive(200);
        }
    }

    private static String text(TextMessage message) {
        try {
            return message.getText();
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private void drain(String queue) throws Exception {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            while (consumer.receive(100) != null) {
                // left over from an earlier test
            }
        }
    }
}
