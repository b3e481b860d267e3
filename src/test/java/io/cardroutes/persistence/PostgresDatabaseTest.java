package io.cardroutes.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.support.Bundle;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.junit.jupiter.api.Test;

/**
 * The production database path: the same migrations and JPA mapping on PostgreSQL (the machine's
 * server at 127.0.0.1:5432, database test), in a schema of its own that the test drops afterwards.
 */
class PostgresDatabaseTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String KEY = "pg-test-key";

    @Test
    void migrates_and_records_outcomes_in_postgresql() throws Exception {
        String schema = "cards_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(URL, "postgres", "")) {
            try (Statement st = admin.createStatement()) {
                st.execute("create schema " + schema);
            }
            try (Bundle bundle = Bundle.start(Map.of(
                    "app.db.url", URL + "?currentSchema=" + schema,
                    "app.db.user", "postgres",
                    "app.api-keys", KEY))) {
                bundle.freshSandbox();
                bundle.drop("pg.json", """
                        [{"requestId":"PG-1","mobile":"9876500501"},{"requestId":"PG-2","mobile":"98765"}]""");
                JsonNode results = bundle.awaitResults("pg.json");
                assertThat(results).extracting(n -> n.get("status").asText()).containsExactly("CREATED", "REJECTED");
                theJpaReadsRun(bundle);
            }
            loginGuardAgeIsRead(URL + "?currentSchema=" + schema);
            try (Statement st = admin.createStatement();
                 ResultSet rs = st.executeQuery("select request_id, status, enkash_card_id from " + schema
                         + ".card_request order by request_id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("request_id")).isEqualTo("PG-1");
                assertThat(rs.getString("status")).isEqualTo("CREATED");
                assertThat(rs.getString("enkash_card_id")).startsWith("EKC");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("status")).isEqualTo("REJECTED");
            } finally {
                try (Statement st = admin.createStatement()) {
                    st.execute("drop schema " + schema + " cascade");
                }
            }
        }
    }

    /** The login guard's age of its count, on the database's clock (the bundle logged in a moment ago). */
    private static void loginGuardAgeIsRead(String url) {
        com.zaxxer.hikari.HikariDataSource dataSource = new com.zaxxer.hikari.HikariDataSource();
        dataSource.setJdbcUrl(url);
        dataSource.setUsername("postgres");
        Database database = new Database(dataSource);
        database.start();
        database.awaitReady();
        try {
            assertThat(new LoginGuard(database).sinceUpdateMs()).isBetween(0L, 600_000L);
        } finally {
            database.stop();
        }
    }

    /** The reads off the hot path (Camel's jpa component, the entities' named queries) on PostgreSQL. */
    private static void theJpaReadsRun(Bundle bundle) throws Exception {
        String batchId = String.valueOf(bundle.query("select batch_id from card_batch").get(0).get("batch_id"));
        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + bundle.httpPort + "/api/v1/batches/" + batchId + "?offset=1"))
                .header("X-API-Key", KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        JsonNode batch = new ObjectMapper().readTree(status.body());
        assertThat(batch.get("counts").get("CREATED").asInt()).isEqualTo(1);
        assertThat(batch.get("counts").get("REJECTED").asInt()).isEqualTo(1);
        assertThat(batch.get("items")).hasSize(1);
        assertThat(batch.get("items").get(0).get("requestId").asText()).isEqualTo("PG-2");

        ProducerTemplate routes = bundle.context().createProducerTemplate();
        assertThat(routes.requestBody("direct:replay-batch", "pg.json", List.class)).as("nothing FAILED").isEmpty();
        assertThat(routes.requestBody("direct:replay-batch", "no-such.json")).isNull();

        ManagedRouteMBean sweep = bundle.context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("recovery-sweep");
        Bundle.await(() -> sweep.getExchangesTotal() > 0, Duration.ofSeconds(30), "the recovery sweep's first read");
        assertThat(sweep.getExchangesFailed()).isZero();
    }
}
