package io.cardroutes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.enkash.TokenProvider;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.PrivatePlace;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness tells the truth: /observe/health/ready is DOWN (HTTP 503), naming the check and why, while
 * the PostgreSQL database refuses connections, while the external broker is stopped, and while the
 * EnKash login guard has stopped all logins; UP again once each comes back. Liveness stays UP meanwhile:
 * none of these is cured by a restart.
 */
class ReadinessTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static String database;
    private static int brokerPort;
    private static EmbeddedActiveMQ broker;
    private static Bundle bundle;

    @BeforeAll
    static void boot() throws Exception {
        database = "cards_ready_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin("create database " + database);
        brokerPort = PrivatePlace.freePort();
        broker = broker(brokerPort);
        bundle = Bundle.start(Map.of(
                "app.db.url", SERVER + database,
                "app.db.user", "postgres",
                "app.broker.url", "tcp://localhost:" + brokerPort,
                "app.health.timeout-ms", "1000"));
        awaitReady(true);
    }

    @AfterAll
    static void shutdown() throws Exception {
        try {
            bundle.close();
            broker.stop();
        } finally {
            admin("drop database if exists " + database + " with (force)");
        }
    }

    @Test
    void ready_is_down_while_the_database_refuses_connections_and_up_once_it_is_back() throws Exception {
        admin("alter database " + database + " allow_connections false");
        admin("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database + "'");
        try {
            JsonNode down = awaitReady(false);
            assertThat(check(down, "database").path("message").asText()).startsWith("database: ");
            assertThat(live()).as("liveness: a restart does not bring the database back").isEqualTo(200);
        } finally {
            admin("alter database " + database + " allow_connections true");
        }
        awaitReady(true);
    }

    @Test
    void ready_is_down_while_the_broker_is_stopped_and_up_once_it_is_back() throws Exception {
        broker.stop();
        try {
            JsonNode down = awaitReady(false);
            assertThat(check(down, "broker").path("message").asText()).startsWith("broker: ");
            assertThat(live()).isEqualTo(200);
        } finally {
            broker = broker(brokerPort);
        }
        awaitReady(true);
    }

    @Test
    void ready_is_down_while_the_enkash_login_is_locked_and_up_once_an_operator_clears_it() throws Exception {
        EnkashSandbox enkash = bundle.freshSandbox();
        enkash.enqueueToken(Fault.status(401), Fault.status(401));
        for (int i = 1; i <= 2; i++) {
            bundle.drop("lock-" + i + ".json", "{\"requestId\":\"READY-LOCK-" + i + "\",\"mobile\":\"98765030" + i + "0\"}");
            assertThat(bundle.awaitResults("lock-" + i + ".json").get(0).get("status").asText()).isEqualTo("FAILED");
        }
        TokenProvider tokens = bundle.context().getRegistry().lookupByNameAndType("tokenProvider", TokenProvider.class);
        try {
            JsonNode down = awaitReady(false);
            // Camel's health answer escapes the slashes of a message
            assertThat(check(down, "enkash-login").path("message").asText().replace("\\/", "/"))
                    .contains("2 failed logins in a row").contains("clearLoginLock")
                    .contains("/api/v1/enkash/login-lock/clear");
            assertThat(enkash.tokenCalls()).as("the check itself never logs in").isEqualTo(2);
            assertThat(live()).isEqualTo(200);
        } finally {
            tokens.clearLoginLock();
        }
        awaitReady(true);
        assertThat(enkash.tokenCalls()).isEqualTo(2);
    }

    @Test
    void the_full_health_names_the_enkash_reachability_check_which_never_logs_in() throws Exception {
        EnkashSandbox enkash = bundle.sandbox();
        int before = enkash.tokenCalls();
        HttpResponse<String> full = get("/observe/health?exposureLevel=full");
        assertThat(full.statusCode()).as(full.body()).isEqualTo(200);
        assertThat(check(JSON.readTree(full.body()), "enkash-reachable").path("status").asText()).isEqualTo("UP");
        assertThat(enkash.tokenCalls()).isEqualTo(before);
    }

    /** Waits for readiness to be UP (200) or DOWN (503) and returns its answer. */
    private static JsonNode awaitReady(boolean up) throws Exception {
        JsonNode[] last = new JsonNode[1];
        try {
            Bundle.await(() -> {
                try {
                    HttpResponse<String> ready = get("/observe/health/ready");
                    last[0] = JSON.readTree(ready.body());
                    return ready.statusCode() == (up ? 200 : 503);
                } catch (Exception e) {
                    return false;
                }
            }, WAIT, "readiness " + (up ? "UP" : "DOWN"));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last answer: " + last[0], e);
        }
        assertThat(last[0].path("status").asText()).isEqualTo(up ? "UP" : "DOWN");
        return last[0];
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode check : health.path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    private static int live() throws Exception {
        return get("/observe/health/live").statusCode();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bundle.httpPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void admin(String sql) throws Exception {
        try (Connection admin = DriverManager.getConnection(SERVER + "test", "postgres", "");
             Statement st = admin.createStatement()) {
            st.execute(sql);
        }
    }

    private static EmbeddedActiveMQ broker(int port) throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("readiness-test-broker");
        config.setPersistenceEnabled(false);
        config.setSecurityEnabled(false);
        config.setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("tcp", "tcp://localhost:" + port + "?useEpoll=false");
        EmbeddedActiveMQ started = new EmbeddedActiveMQ().setConfiguration(config);
        started.start();
        return started;
    }
}
