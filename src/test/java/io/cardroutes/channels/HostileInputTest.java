package io.cardroutes.channels;

import static io.cardroutes.channels.ChannelTesting.mobile;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.support.Bundle;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an attacker sends through each channel: an API key in the query string, requestIds that would
 * forge log lines, a request the database refuses. Each gets a clear refusal, and nothing of it lands in
 * the log as written.
 */
class HostileInputTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORGED = "INFO  [main] forged - admin logged in";

    private static final Map<String, String> PROPERTIES = ChannelTesting.embeddedBroker();
    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(PROPERTIES);
    private static final String base = "http://localhost:" + bundle.httpPort + "/api/v1";
    private static final String brokerUrl = ChannelTesting.brokerUrl(PROPERTIES);

    @Test
    void an_api_key_in_the_query_string_is_refused_even_a_valid_one() throws Exception {
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/cards?X-API-Key=demo-key"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ChannelTesting.request(mobile()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(post.body()).contains("query string").doesNotContain("demo-key");

        HttpResponse<String> both = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/cards/ANY?x-api-key=demo-key"))
                .header("X-API-Key", "demo-key").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(both.statusCode()).isEqualTo(401);
    }

    @Test
    void a_request_id_with_cr_lf_over_rest_gets_a_422_problem_and_forges_no_log_line() throws Exception {
        String body = "{\"requestId\":\"REST-EVIL\\r\\n" + FORGED + "\",\"firstName\":\"Asha\",\"mobile\":\"" + mobile() + "\"}";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/cards"))
                .header("Content-Type", "application/json").header("X-API-Key", "demo-key")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(Problems.PROBLEM_TYPE);
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("errors").toString()).contains("control characters");
        assertThat(problem.get("requestId").asText()).isEqualTo("REST-EVIL\\u000d\\u000a" + FORGED);
        assertNoForgedLine();
    }

    @Test
    void a_request_id_with_a_line_feed_over_jms_is_rejected_with_its_reason() throws Exception {
        try (Connection connection = new ActiveMQConnectionFactory(brokerUrl).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            TextMessage message = session.createTextMessage(ChannelTesting.request(mobile()));
            message.setStringProperty("requestId", "JMS-EVIL\n" + FORGED);
            message.setJMSReplyTo(replies);
            session.createProducer(session.createQueue("enkash.cards.requests")).send(message);

            Message reply = session.createConsumer(replies).receive(30_000);
            assertThat(reply).isInstanceOf(TextMessage.class);
            JsonNode outcome = JSON.readTree(((TextMessage) reply).getText());
            assertThat(outcome.get("status").asText()).isEqualTo("REJECTED");
            assertThat(outcome.get("error").asText()).contains("control characters");
            assertThat(outcome.get("requestId").asText()).isEqualTo("JMS-EVIL\\u000a" + FORGED);
        }
        assertNoForgedLine();
    }

    @Test
    void a_request_id_with_control_characters_in_a_file_is_rejected_and_the_rest_goes_on() throws Exception {
        bundle.drop("evil.json", "[{\"requestId\":\"FILE-EVIL\\u0007\\r" + FORGED + "\",\"mobile\":\"" + mobile() + "\"},"
                + "{\"requestId\":\"FILE-GOOD-" + System.nanoTime() + "\",\"mobile\":\"" + mobile() + "\"}]");
        JsonNode results = bundle.awaitResults("evil.json");
        assertThat(results.get(0).get("status").asText()).isEqualTo("REJECTED");
        assertThat(results.get(0).get("error").asText()).contains("control characters");
        assertThat(results.get(0).get("requestId").asText()).startsWith("FILE-EVIL\\u0007\\u000d");
        assertThat(results.get(1).get("status").asText()).isEqualTo("CREATED");
        assertNoForgedLine();
    }

    @Test
    void a_request_the_database_refuses_answers_without_its_personal_data() throws Exception {
        String mobile = mobile();
        String email = "refused." + System.nanoTime() + "@example.com";
        String body = "{\"firstName\":\"Asha\",\"mobile\":\"" + mobile + "\",\"email\":\"" + email
                + "\",\"note\":\"" + "x".repeat(25_000) + "\"}";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/cards"))
                .header("Content-Type", "application/json").header("X-API-Key", "demo-key")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isBetween(400, 599);
        assertThat(r.body()).doesNotContain(mobile).doesNotContain(email).doesNotContainIgnoringCase("insert into")
                .doesNotContainIgnoringCase("value too long");
        assertThat(log()).doesNotContain(mobile).doesNotContain(email);
    }

    private static void assertNoForgedLine() throws Exception {
        assertThat(log().lines()).noneMatch(line -> line.startsWith(FORGED));
    }

    private static String log() throws Exception {
        return Files.readString(Path.of("target/test-logs/bundle.log"), StandardCharsets.UTF_8);
    }
}
