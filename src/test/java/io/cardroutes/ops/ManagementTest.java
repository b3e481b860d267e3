package io.cardroutes.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What an operator's tools see: health, and JMX over Jolokia (Hawtio's Connect page) with named routes. */
class ManagementTest {

    private static Bundle bundle;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void boot() throws Exception {
        bundle = Bundle.start();
    }

    @AfterAll
    static void shutdown() {
        bundle.close();
    }

    @Test
    void health_is_up_once_the_inbox_has_been_polled() throws Exception {
        Bundle.await(() -> {
            try {
                return get("/observe/health").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }, java.time.Duration.ofSeconds(30), "health UP");
        HttpResponse<String> health = get("/observe/health");
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void jolokia_shows_the_camel_context_and_routes_by_their_ids() throws Exception {
        JsonNode route = jolokia("read/" + enc("org.apache.camel:context=enkash-card-routes,type=routes,name=\"card-pipeline\"")
                + "/Description");
        assertThat(route.path("value").asText()).contains("canonical request");
        JsonNode state = jolokia("read/" + enc("org.apache.camel:context=enkash-card-routes,type=routes,name=\"inbound-file\"")
                + "/State");
        assertThat(state.path("value").asText()).isEqualTo("Started");
    }

    @Test
    void jolokia_shows_the_bundle_own_operations_mbean() throws Exception {
        JsonNode locked = jolokia("read/" + enc(CardOperations.OBJECT_NAME) + "/LoginLocked");
        assertThat(locked.path("status").asInt()).isEqualTo(200);
        assertThat(locked.path("value").asBoolean()).isFalse();
        assertThat(jolokia("read/" + enc(CardOperations.OBJECT_NAME) + "/MaxFailedLogins").path("value").asInt())
                .isEqualTo(2);
    }

    private static JsonNode jolokia(String path) throws Exception {
        HttpResponse<String> r = get("/observe/jolokia/" + path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String enc(String mbean) {
        return URLEncoder.encode(mbean, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bundle.httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
