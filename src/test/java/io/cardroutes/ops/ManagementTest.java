package io.cardroutes.ops;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.PrivatePlace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator's tools see: health on the API port, and JMX over Jolokia (Hawtio's Connect page)
 * with named routes, once turned on: on 127.0.0.1 and a management port of its own, read-only.
 */
class ManagementTest {

    private static final int managementPort = PrivatePlace.freePort();
    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(Map.of("app.jolokia.enabled", "true",
            "app.management.port", String.valueOf(managementPort)));
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void health_is_up_once_the_inbox_has_been_polled() throws Exception {
        await("health UP").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> get(api("/observe/health")).statusCode() == 200);
        HttpResponse<String> health = get(api("/observe/health"));
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

    @Test
    void jolokia_is_not_served_on_the_api_port() throws Exception {
        HttpResponse<String> r = get(api("/observe/jolokia/read/" + enc(CardOperations.OBJECT_NAME) + "/CredentialsRejected"));
        assertThat(r.statusCode()).isIn(401, 404);
        assertThat(r.body()).doesNotContain("\"value\"");
    }

    @Test
    void jolokia_denies_writing_attributes_and_invoking_operations() throws Exception {
        // the attack: a Camel operation that sends a message to any endpoint URI (here: write a file)
        JsonNode send = jolokiaPost(sendToAFile(bundle));
        assertThat(send.path("status").asInt()).isEqualTo(403);
        assertThat(bundle.home.resolve("owned.txt")).doesNotExist();

        JsonNode reset = jolokiaPost(Map.of("type", "exec", "mbean", CardOperations.OBJECT_NAME, "operation", "resetTokenCache"));
        assertThat(reset.path("status").asInt()).isEqualTo(403);

        JsonNode write = jolokiaPost(Map.of("type", "write", "mbean", "java.lang:type=Memory",
                "attribute", "Verbose", "value", true));
        assertThat(write.path("status").asInt()).isEqualTo(403);

        JsonNode stop = jolokiaPost(Map.of("type", "exec",
                "mbean", "org.apache.camel:context=enkash-card-routes,type=routes,name=\"inbound-file\"", "operation", "stop()"));
        assertThat(stop.path("status").asInt()).isEqualTo(403);
        assertThat(bundle.context().getRouteController().getRouteStatus("inbound-file").isStarted()).isTrue();
    }

    @Test
    void jolokia_keeps_the_jvm_arguments_to_itself() throws Exception {
        HttpResponse<String> r = get(management("127.0.0.1", "/observe/jolokia/read/java.lang:type=Runtime/InputArguments"));
        assertThat(JSON.readTree(r.body()).path("status").asInt()).isEqualTo(403);
    }

    @Test
    void jolokia_listens_on_loopback_only() throws Exception {
        Optional<InetAddress> outside = nonLoopbackAddress();
        assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address to try");
        assertThatThrownBy(() -> get(management(outside.get().getHostAddress(), "/observe/jolokia/version")))
                .isInstanceOf(ConnectException.class);
    }

    /** The attack: Camel's operation that sends a message to any endpoint URI, here one that writes owned.txt. */
    static Map<String, Object> sendToAFile(Bundle bundle) {
        return Map.of("type", "exec",
                "mbean", "org.apache.camel:context=enkash-card-routes,type=context,name=\"enkash-card-routes\"",
                "operation", "sendStringBody(java.lang.String,java.lang.String)",
                "arguments", new Object[] {"file:" + bundle.home + "?fileName=owned.txt", "owned"});
    }

    static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        return NetworkInterface.networkInterfaces().filter(ManagementTest::up)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }

    private static boolean up(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback();
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    private static JsonNode jolokia(String path) throws Exception {
        HttpResponse<String> r = get(management("127.0.0.1", "/observe/jolokia/" + path));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode node = JSON.readTree(r.body());
        assertThat(node.path("status").asInt()).as(r.body()).isEqualTo(200);
        return node;
    }

    private static JsonNode jolokiaPost(Map<String, Object> request) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(management("127.0.0.1", "/observe/jolokia/"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static String enc(String mbean) {
        return URLEncoder.encode(mbean, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI api(String path) {
        return URI.create("http://localhost:" + bundle.httpPort + path);
    }

    static URI management(String host, int port, String path) {
        return URI.create("http://" + host + ":" + port + path);
    }

    private static URI management(String host, String path) {
        return management(host, managementPort, path);
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
