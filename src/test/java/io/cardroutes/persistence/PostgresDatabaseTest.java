package io.cardroutes.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.Test;

/**
 * The production database path: the same migrations and JPA mapping on PostgreSQL (the machine's
 * server at 127.0.0.1:5432, database test), in a schema of its own that the test drops afterwards.
 */
class PostgresDatabaseTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    @Test
    void migrates_and_records_outcomes_in_postgresql() throws Exception {
        String schema = "cards_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(URL, "postgres", "")) {
            try (Statement st = admin.createStatement()) {
                st.execute("create schema " + schema);
            }
            try (Bundle bundle = Bundle.start(Map.of(
                    "app.db.url", URL + "?currentSchema=" + schema,
                    "app.db.user", "postgres"))) {
                bundle.freshSandbox();
                bundle.drop("pg.json", """
                        [{"requestId":"PG-1","mobile":"9876500501"},{"requestId":"PG-2","mobile":"98765"}]""");
                JsonNode results = bundle.awaitResults("pg.json");
                assertThat(results).extracting(n -> n.get("status").asText()).containsExactly("CREATED", "REJECTED");
            }
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
}
