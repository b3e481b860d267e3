package io.cardroutes.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.PrivatePlace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Hawtio console on the management port (as by default: 127.0.0.1, no login): its page, and its
 * Jolokia showing the routes by id and the bundle's MBean, read-only; its Jetty answers no one but the
 * management port. The browser's view is {@code packaged/ConsoleIT}.
 */
class HawtioConsoleTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Bundle bundle;
    private static int managementPort;

    @BeforeAll
    static void boot() throws Exception {
        managementPort = PrivatePlace.freePort();
        bundle = Bundle.start(Map.of("app.hawtio.enabled", "true", "app.management.port", String.valueOf(managementPort)));
        awaitConsole(URI.create("http://127.0.0.1:" + managementPort + "/hawtio/"), null);
    }

    @AfterAll
    static void shutdown() {
        bundle.close();
    }

    /** Waits until the console (started in the background) serves its page. */
    static void awaitConsole(URI page, String login) throws InterruptedException {
        Bundle.await(() -> {
            try {
                return send(page, null, login).statusCode() == 200;
            } catch (Exception notYet) {
                return false;
            }
        }, Duration.ofSeconds(90), "the Hawtio console at " + page);
    }

    @Test
    void the_console_page_is_served_at_hawtio_on_the_management_port() throws Exception {
        HttpResponse<String> page = send(management("/hawtio/"), null, null);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<base href=\"/hawtio/\"").containsIgnoringCase("hawtio");
        HttpResponse<String> route = send(management("/hawtio/camel/routes"), null, null);
        assertThat(route.statusCode()).as("a client-side route of the console").isEqualTo(200);
    }

    @Test
    void the_console_is_not_served_on_the_api_port() throws Exception {
        HttpResponse<String> r = send(URI.create("http://127.0.0.1:" + bundle.httpPort + "/hawtio/"), null, null);
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void the_console_jolokia_shows_the_routes_by_id_and_the_bundle_mbean() throws Exception {
        JsonNode description = jolokia(Map.of("type", "read", "mbean",
                "org.apache.camel:context=enkash-card-routes,type=routes,name=\"card-pipeline\"", "attribute", "Description"));
        assertThat(description.path("value").asText()).as(description.toString()).contains("canonical request");
        JsonNode routes = jolokia(Map.of("type", "search", "mbean", "org.apache.camel:context=enkash-card-routes,type=routes,*"));
        assertThat(routes.path("value").toString()).contains("name=\\\"inbound-file\\\"").contains("name=\\\"enkash-create\\\"");
        // the console reads its tree through this one operation, which the read-only policy allows
        JsonNode tree = jolokia(Map.of("type", "exec", "mbean", "hawtio:type=security,name=RBACRegistry", "operation", "list()"));
        assertThat(tree.path("status").asInt()).as(tree.toString().substring(0, Math.min(300, tree.toString().length()))).isEqualTo(200);
        assertThat(tree.path("value").path("domains").has("io.cardroutes")).isTrue();
        JsonNode locked = jolokia(Map.of("type", "read", "mbean", CardOperations.OBJECT_NAME, "attribute", "LoginLocked"));
        assertThat(locked.path("status").asInt()).as(locked.toString()).isEqualTo(200);
        assertThat(locked.path("value").asBoolean()).isFalse();
    }

    @Test
    void the_console_jolokia_is_read_only_under_the_bundle_policy() throws Exception {
        JsonNode send = jolokia(ManagementTest.sendToAFile(bundle));
        assertThat(send.path("status").asInt()).as(send.toString()).isEqualTo(403);
        assertThat(bundle.home.resolve("owned.txt")).doesNotExist();

        JsonNode stop = jolokia(Map.of("type", "exec",
                "mbean", "org.apache.camel:context=enkash-card-routes,type=routes,name=\"inbound-file\"", "operation", "stop()"));
        assertThat(stop.path("status").asInt()).as(stop.toString()).isEqualTo(403);
        assertThat(bundle.context().getRouteController().getRouteStatus("inbound-file").isStarted()).isTrue();

        JsonNode arguments = jolokia(Map.of("type", "read", "mbean", "java.lang:type=Runtime", "attribute", "InputArguments"));
        assertThat(arguments.path("status").asInt()).as("the bundle's deny list: " + arguments).isEqualTo(403);
    }

    @Test
    void the_console_jetty_answers_no_one_but_the_management_port() throws Exception {
        HawtioConsole console = bundle.context().hasService(HawtioConsole.class);
        assertThat(console.port()).isPositive();
        URI direct = URI.create("http://127.0.0.1:" + console.port() + "/hawtio/jolokia/version");
        assertThat(send(direct, null, null).statusCode()).isEqualTo(403);
        HttpResponse<String> forged = HTTP.send(HttpRequest.newBuilder(direct).header(HawtioConsole.KEY_HEADER, "guess").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).doesNotContain("\"agent\"");
    }

    private static JsonNode jolokia(Map<String, Object> request) throws Exception {
        HttpResponse<String> r = send(management("/hawtio/jolokia/"), request, null);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 403);
        return JSON.readTree(r.body());
    }

    private static URI management(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    static HttpResponse<String> send(URI uri, Map<String, Object> body, String login) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (body != null) {
            request.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .header("Content-Type", "application/json");
        }
        if (login != null) {
            request.header("Authorization", "Basic "
                    + java.util.Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
