package io.cardroutes.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.RecordedCall;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.PrivatePlace;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two example layouts shipped in config/mappings, with their example files from examples/: each
 * dropped into the inbox as it is, and what EnKash received checked field by field after conversion.
 * Also the CardLayout header of JMS and REST, and an XML file that tries to read a file through an entity.
 */
class ExampleLayoutsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "mapping-test-key";
    private static Bundle bundle;
    private static String brokerUrl;
    private EnkashSandbox sandbox;

    @BeforeAll
    static void boot() throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        int brokerPort = PrivatePlace.freePort();
        props.put("app.broker.embedded.port", String.valueOf(brokerPort));
        props.put("app.api-keys", KEY);
        bundle = Bundle.start(props);
        brokerUrl = "tcp://localhost:" + brokerPort + "?useEpoll=false";
    }

    @AfterAll
    static void shutdown() {
        bundle.close();
    }

    @BeforeEach
    void freshSandbox() {
        sandbox = bundle.freshSandbox();
    }

    @Test
    void the_hr_export_example_is_read_with_its_own_columns_and_converted_field_by_field() throws Exception {
        bundle.drop("hr-export.csv", Files.readString(Path.of("examples/hr-export.csv")));

        JsonNode results = bundle.awaitResults("hr-export.csv");

        assertThat(results).hasSize(3);
        assertThat(results).extracting(r -> r.get("requestId").asText())
                .allMatch(id -> id.matches("hr-export\\.csv@[0-9a-f]{12}#[123]"), "the file's default requestIds")
                .extracting(id -> id.substring(id.indexOf('#'))).containsExactly("#1", "#2", "#3");
        assertThat(results).extracting(r -> r.get("status").asText()).containsExactly("CREATED", "CREATED", "REJECTED");
        assertThat(results.get(2).get("error").asText())
                .isEqualTo("the mapping hr-export.jsonata failed on this record: Invalid date 'FEBRUARY 31'");

        JsonNode asha = sentFor("9876543210");
        assertThat(asha).isEqualTo(JSON.readTree("""
                {"userId":"E1001","firstName":"Asha","lastName":"Rao","mobile":"9876543210",
                 "email":"asha.rao@example.com","gender":"F","specialDate":"1990-08-15","physicalCard":true,
                 "address":"Flat 4B, 100 Feet Road","address2":"Indiranagar","city":"Bengaluru","state":"Karnataka",
                 "pincode":"560038","country":"India","companyId":"SANDBOX-COMPANY","cardAccountId":"SANDBOX-ACCOUNT"}"""));
        JsonNode vikram = sentFor("9876543211");
        assertThat(vikram).isEqualTo(JSON.readTree("""
                {"userId":"E1002","firstName":"Vikram","lastName":"Singh Rathore","mobile":"9876543211",
                 "email":"vikram.singh@example.com","gender":"M","specialDate":"1985-12-01","physicalCard":false,
                 "address":"22, Residency Road","city":"Pune","state":"Maharashtra","pincode":"411001",
                 "country":"India","companyId":"SANDBOX-COMPANY","cardAccountId":"SANDBOX-ACCOUNT"}"""));
        assertThat(sandbox.createCalls()).as("the row whose date is no date reaches no one").isEqualTo(2);

        bundle.drop("hr-export.csv", Files.readString(Path.of("examples/hr-export.csv")));
        JsonNode again = bundle.awaitResults("hr-export.csv");
        assertThat(again).extracting(r -> r.get("requestId").asText())
                .containsExactlyElementsOf(results.findValuesAsText("requestId"));
        assertThat(again.get(0).get("replay").asBoolean()).as("the same file again is a replay").isTrue();
        assertThat(sandbox.createCalls()).isEqualTo(2);
    }

    @Test
    void the_xml_example_is_read_card_by_card_and_converted_field_by_field() throws Exception {
        bundle.drop("cards.xml", Files.readString(Path.of("examples/cards.xml")));

        JsonNode results = bundle.awaitResults("cards.xml");

        assertThat(results).extracting(r -> r.get("requestId").asText()).containsExactly("PORTAL-1001", "PORTAL-1002");
        assertThat(results).extracting(r -> r.get("status").asText()).containsOnly("CREATED");
        assertThat(sentFor("9845012345")).isEqualTo(JSON.readTree("""
                {"title":"Ms","firstName":"Kavya","lastName":"Menon","gender":"F","specialDate":"1991-03-07",
                 "mobile":"9845012345","email":"kavya.menon@example.com","physicalCard":true,"address":"12 MG Road",
                 "address2":"Ernakulam","city":"Kochi","state":"Kerala","pincode":"682011","country":"India",
                 "companyId":"SANDBOX-COMPANY","cardAccountId":"SANDBOX-ACCOUNT"}"""));
        assertThat(sentFor("9845012346")).isEqualTo(JSON.readTree("""
                {"title":"Mr","firstName":"Arjun","lastName":"Nair","gender":"M","mobile":"9845012346",
                 "email":"arjun.nair@example.com","physicalCard":false,"country":"India",
                 "companyId":"SANDBOX-COMPANY","cardAccountId":"SANDBOX-ACCOUNT"}"""));
    }

    @Test
    void an_xml_file_with_a_doctype_is_refused_and_nothing_it_names_is_read() throws Exception {
        Path secret = Files.writeString(Files.createTempFile("secret-", ".txt"), "TOP-SECRET-CONTENT");
        try (ServerSocket dtdHost = new ServerSocket(0)) {
            bundle.drop("cards-entity.xml", "<?xml version=\"1.0\"?>\n"
                    + "<!DOCTYPE cards SYSTEM \"http://127.0.0.1:" + dtdHost.getLocalPort() + "/cards.dtd\" [\n"
                    + "  <!ENTITY secret SYSTEM \"" + secret.toUri() + "\">\n]>\n"
                    + "<cards><card reference=\"XXE-1\"><holder><givenName>&secret;</givenName></holder>"
                    + "<contact><mobile>9845012399</mobile></contact></card></cards>");

            Path note = bundle.errorDir.resolve("cards-entity.xml.error.txt");
            Bundle.await(() -> Files.exists(note) && Files.exists(bundle.errorDir.resolve("cards-entity.xml")),
                    Duration.ofSeconds(30), "the file in the error folder");
            assertThat(Files.readString(note)).contains("DOCTYPE declaration, which is refused").doesNotContain("TOP-SECRET");
            assertThat(sandbox.createCalls()).isZero();
            dtdHost.setSoTimeout(1);
            // a connection made while the file was read would be waiting in the backlog
            org.assertj.core.api.Assertions.assertThatThrownBy(dtdHost::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void a_jms_message_naming_a_layout_in_its_card_layout_property_is_mapped_and_an_unknown_one_goes_to_the_dlq()
            throws Exception {
        try (Connection connection = new ActiveMQConnectionFactory(brokerUrl).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            TextMessage message = session.createTextMessage(hrRow("E2001", "+91 98765 43220"));
            message.setStringProperty("CardLayout", "hr-export");
            message.setStringProperty("requestId", "JMS-HR-E2001");
            message.setJMSReplyTo(replies);
            session.createProducer(session.createQueue("enkash.cards.requests")).send(message);
            MessageConsumer consumer = session.createConsumer(replies);
            TextMessage reply = (TextMessage) consumer.receive(30_000);

            JsonNode outcome = JSON.readTree(reply.getText());
            assertThat(outcome.get("requestId").asText()).as("the message's requestId survives the mapping")
                    .isEqualTo("JMS-HR-E2001");
            assertThat(outcome.get("status").asText()).isEqualTo("CREATED");
            JsonNode sent = sentFor("9876543220");
            assertThat(sent.get("firstName").asText()).isEqualTo("Ravi");
            assertThat(sent.get("specialDate").asText()).isEqualTo("1988-01-05");

            TextMessage unknown = session.createTextMessage(hrRow("E2002", "9876543221"));
            unknown.setStringProperty("CardLayout", "no-such-layout");
            session.createProducer(session.createQueue("enkash.cards.requests")).send(unknown);
            Message dead = session.createConsumer(session.createQueue("enkash.cards.dlq")).receive(30_000);
            assertThat(dead.getStringProperty("dlqReason")).startsWith("no input layout named 'no-such-layout'");
            assertThat(sandbox.createCalls()).isEqualTo(1);
        }
    }

    @Test
    void a_rest_call_naming_a_layout_in_its_card_layout_header_is_mapped_and_an_unknown_one_answers_400()
            throws Exception {
        HttpResponse<String> answer = postCard("REST-HR-E3001", "hr-export", hrRow("E3001", "0 98765 43230"));

        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(answer.body()).get("requestId").asText()).isEqualTo("REST-HR-E3001");
        assertThat(sentFor("9876543230").get("userId").asText()).isEqualTo("E3001");

        HttpResponse<String> unknown = postCard("REST-HR-E3002", "../hr-export", hrRow("E3002", "9876543231"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).get("detail").asText()).startsWith("no input layout named '../hr-export'");
        assertThat(sandbox.createCalls()).isEqualTo(1);
    }

    private static HttpResponse<String> postCard(String key, String layout, String body) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://localhost:" + bundle.httpPort + "/api/v1/cards"))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).header("CardLayout", layout)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString());
    }

    /** One row of the HR export as a JSON object in its own column names. */
    private static String hrRow(String code, String mobile) {
        return "{\"Employee Code\":\"" + code + "\",\"Employee Name\":\"Ravi Kumar\",\"Employee Mobile\":\"" + mobile
                + "\",\"Email ID\":\"ravi.kumar@example.com\",\"Date of Birth\":\"05/01/1988\",\"Gender\":\"Male\","
                + "\"Physical Card\":\"N\"}";
    }

    private JsonNode sentFor(String mobile) throws Exception {
        for (RecordedCall call : sandbox.createCallsReceived()) {
            JsonNode body = JSON.readTree(call.body());
            if (mobile.equals(body.path("mobile").asText())) {
                return body;
            }
        }
        throw new AssertionError("no Create call for the mobile ending " + mobile.substring(6));
    }
}
