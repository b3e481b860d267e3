package io.cardroutes.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.PrivatePlace;
import org.junit.jupiter.api.Test;

/**
 * Jolokia and the Hawtio console beyond loopback: never without a login (the bundle refuses to start), and with one, nothing
 * without the password; an operator who opted in may run the bundle's and Camel's operations, and still
 * no operation that sends a message to an arbitrary endpoint.
 */
class ManagementLoginTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "ops";
    private static final String PASSWORD = "management-password-for-the-test";

    @Test
    void jolokia_on_every_interface_without_a_login_refuses_to_start() {
        assertThatThrownBy(() -> Bundle.start(Map.of("app.jolokia.enabled", "true", "app.management.host", "0.0.0.0",
                "app.management.port", String.valueOf(PrivatePlace.freePort()))).close())
                .hasStackTraceContaining("Jolokia would listen on 0.0.0.0")
                .hasStackTraceContaining("APP_MANAGEMENT_USER and APP_MANAGEMENT_PASSWORD");
    }

    @Test
    void jolokia_with_a_login_answers_only_to_it_and_runs_opted_in_operations() throws Exception {
        int port = PrivatePlace.freePort();
        try (Bundle bundle = Bundle.start(Map.of("app.jolokia.enabled", "true", "app.management.host", "0.0.0.0",
                "app.management.port", String.valueOf(port), "app.management.user", USER,
                "app.management.password", PASSWORD, "app.jolokia.operations.enabled", "true", "app.hawtio.enabled", "true"))) {
            Optional<InetAddress> outside = ManagementTest.nonLoopbackAddress();
            String host = outside.map(InetAddress::getHostAddress).orElse("127.0.0.1");
            URI version = ManagementTest.management(host, port, "/observe/jolokia/version");

            assertThat(send(version, null, null).statusCode()).isEqualTo(401);
            assertThat(send(version, null, USER + ":wrong").statusCode()).isEqualTo(401);
            assertThat(send(version, null, USER + ":" + PASSWORD).statusCode()).isEqualTo(200);

            URI jolokia = ManagementTest.management(host, port, "/observe/jolokia/");
            JsonNode reset = JSON.readTree(send(jolokia, Map.of("type", "exec", "mbean", CardOperations.OBJECT_NAME,
                    "operation", "resetTokenCache"), USER + ":" + PASSWORD).body());
            assertThat(reset.path("status").asInt()).as(reset.toString()).isEqualTo(200);

            JsonNode sendBody = JSON.readTree(send(jolokia, Map.of("type", "exec",
                    "mbean", "org.apache.camel:context=enkash-card-routes,type=context,name=\"enkash-card-routes\"",
                    "operation", "sendStringBody(java.lang.String,java.lang.String)",
                    "arguments", new Object[] {"file:" + bundle.home + "?fileName=owned.txt", "owned"}),
                    USER + ":" + PASSWORD).body());
            assertThat(sendBody.path("status").asInt()).as(sendBody.toString()).isEqualTo(403);
            assertThat(bundle.home.resolve("owned.txt")).doesNotExist();

            JsonNode gc = JSON.readTree(send(jolokia, Map.of("type", "exec", "mbean", "java.lang:type=Memory",
                    "operation", "gc"), USER + ":" + PASSWORD).body());
            assertThat(gc.path("status").asInt()).as(gc.toString()).isEqualTo(403);

            // the console behind the same login, its Jolokia under the same policy
            URI console = ManagementTest.management(host, port, "/hawtio/");
            HawtioConsoleTest.awaitConsole(console, USER + ":" + PASSWORD);
            assertThat(send(console, null, null).statusCode()).isEqualTo(401);
            assertThat(send(console.resolve("jolokia/version"), null, USER + ":wrong").statusCode()).isEqualTo(401);
            JsonNode consoleReset = JSON.readTree(send(console.resolve("jolokia/"), Map.of("type", "exec",
                    "mbean", CardOperations.OBJECT_NAME, "operation", "resetTokenCache"), USER + ":" + PASSWORD).body());
            assertThat(consoleReset.path("status").asInt()).as(consoleReset.toString()).isEqualTo(200);
            JsonNode consoleGc = JSON.readTree(send(console.resolve("jolokia/"), Map.of("type", "exec",
                    "mbean", "java.lang:type=Memory", "operation", "gc"), USER + ":" + PASSWORD).body());
            assertThat(consoleGc.path("status").asInt()).as(consoleGc.toString()).isEqualTo(403);
            assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address: checked on 127.0.0.1 only");
        }
    }

    private static HttpResponse<String> send(URI uri, Map<String, Object> body, String login) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (body != null) {
            request.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .header("Content-Type", "application/json");
        }
        if (login != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
