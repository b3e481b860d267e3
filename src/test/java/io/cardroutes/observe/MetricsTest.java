package io.cardroutes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.PrivatePlace;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prometheus metrics at /observe/metrics on the management port: after traffic that goes every way
 * a request can (created, rejected, retried, reconciled, needing review with a mail that cannot be
 * sent, a JMS message for the DLQ), the bundle's series and Camel's route metrics are there, and the
 * Grafana dashboard in deploy/ names only series the bundle exports.
 */
class MetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern SERIES = Pattern.compile("\\b((?:cardroutes|camel)_[a-z0-9_]+)");
    private static Bundle bundle;
    private static int managementPort;
    private static int brokerPort;
    private static String metrics;

    @BeforeAll
    static void boot_and_send_traffic() throws Exception {
        managementPort = PrivatePlace.freePort();
        brokerPort = PrivatePlace.freePort();
        bundle = Bundle.start(Map.of("app.management.port", String.valueOf(managementPort),
                "app.broker.embedded.port", String.valueOf(brokerPort),
                "app.mail.enabled", "true",
                "app.mail.host", "127.0.0.1",
                "app.mail.port", String.valueOf(PrivatePlace.freePort()), // nothing listens: mail fails
                "app.mail.retry.max-redeliveries", "0",
                "app.mail.alert.digest-ms", "200"));
        EnkashSandbox sandbox = bundle.freshSandbox();

        bundle.drop("m1.json", "[{\"requestId\":\"MET-1\",\"mobile\":\"9876502001\"},"
                + "{\"requestId\":\"MET-2\",\"mobile\":\"98765\"}]");
        assertThat(statuses(bundle.awaitResults("m1.json"))).containsExactly("CREATED", "REJECTED");

        sandbox.enqueue(Fault.status(503));
        bundle.drop("m2.json", "{\"requestId\":\"MET-3\",\"mobile\":\"9876502003\"}");
        assertThat(statuses(bundle.awaitResults("m2.json"))).containsExactly("CREATED");

        sandbox.enqueue(Fault.answerLost(502));
        bundle.drop("m3.json", "{\"requestId\":\"MET-4\",\"mobile\":\"9876502004\"}");
        assertThat(statuses(bundle.awaitResults("m3.json"))).containsExactly("CREATED");

        // a card issued by hand while the request is in flight, and the request's own whose answer is lost
        sandbox.seedCard(Map.of("companyId", "SANDBOX-COMPANY", "cardAccountId", "SANDBOX-ACCOUNT",
                "firstName", "Ira", "mobile", "9876502005"), Instant.now().plusSeconds(1));
        sandbox.enqueue(Fault.answerLost(502));
        bundle.drop("m4.json", "{\"requestId\":\"MET-5\",\"firstName\":\"Ira\",\"mobile\":\"9876502005\"}");
        assertThat(statuses(bundle.awaitResults("m4.json"))).containsExactly("NEEDS_REVIEW");

        try (Connection client = new ActiveMQConnectionFactory("tcp://localhost:" + brokerPort).createConnection()) {
            Session session = client.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue("enkash.cards.requests")).send(session.createTextMessage("not json"));
        }
        Bundle.await(() -> scrape().contains("cardroutes_jms_dlq_total{") && scrape().contains("cardroutes_mail_failures_total{"),
                Duration.ofSeconds(30), "the DLQ and the failed alert mail to be counted");
        metrics = scrape();
    }

    @AfterAll
    static void shutdown() {
        bundle.close();
    }

    @Test
    void counts_requests_by_channel_and_status() {
        assertThat(value("cardroutes_requests_total{channel=\"FILE\",status=\"CREATED\"}")).isEqualTo(3);
        assertThat(value("cardroutes_requests_total{channel=\"FILE\",status=\"REJECTED\"}")).isEqualTo(1);
        assertThat(value("cardroutes_requests_total{channel=\"FILE\",status=\"NEEDS_REVIEW\"}")).isEqualTo(1);
    }

    @Test
    void times_enkash_calls_in_a_histogram_by_operation_and_answer_class() {
        assertThat(value("cardroutes_enkash_call_seconds_bucket{answer=\"2xx\",operation=\"create\",le=\"+Inf\"}"))
                .isEqualTo(2);
        assertThat(value("cardroutes_enkash_call_seconds_count{answer=\"5xx\",operation=\"create\"}"))
                .as("the 503 and the two lost answers").isEqualTo(3);
        assertThat(value("cardroutes_enkash_call_seconds_count{answer=\"2xx\",operation=\"search\"}")).isEqualTo(2);
        assertThat(value("cardroutes_enkash_call_seconds_count{answer=\"2xx\",operation=\"token\"}")).isEqualTo(1);
    }

    @Test
    void counts_redeliveries_reconciliations_logins_dlq_and_mail_failures() {
        assertThat(value("cardroutes_redeliveries_total")).isEqualTo(1);
        assertThat(value("cardroutes_reconciliations_total{result=\"found\"}")).isEqualTo(1);
        assertThat(value("cardroutes_reconciliations_total{result=\"needs-review\"}")).isEqualTo(1);
        assertThat(value("cardroutes_enkash_logins_total{result=\"token\"}")).isEqualTo(1);
        assertThat(value("cardroutes_jms_dlq_total")).isEqualTo(1);
        assertThat(value("cardroutes_mail_failures_total")).isEqualTo(1);
    }

    @Test
    void shows_requests_in_flight_the_group_commits_and_camel_route_metrics() {
        assertThat(value("cardroutes_requests_in_flight")).isZero();
        assertThat(value("cardroutes_db_group_commit_size_count")).isPositive();
        assertThat(metrics).contains("cardroutes_db_group_commit_wait_seconds_count ");
        assertThat(metrics).contains("camel_exchanges_total{").contains("routeId=\"card-pipeline\"");
        // the steps inside the pipeline (app.metrics.route-exclude) are not timed per route
        assertThat(metrics).doesNotContain("routeId=\"enkash-call-send\"").doesNotContain("routeId=\"outcome-store\"");
    }

    @Test
    void the_grafana_dashboard_is_json_and_names_only_series_the_bundle_exports() throws Exception {
        JsonNode dashboard = JSON.readTree(Files.readString(Path.of("deploy/grafana-dashboard.json")));
        Set<String> named = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher m = SERIES.matcher(expr.asText());
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertThat(named).contains("cardroutes_requests_total", "cardroutes_enkash_call_seconds_bucket",
                "cardroutes_redeliveries_total", "cardroutes_reconciliations_total", "cardroutes_enkash_logins_total",
                "cardroutes_requests_in_flight", "cardroutes_jms_dlq_total", "cardroutes_mail_failures_total");
        List<String> missing = new ArrayList<>();
        for (String series : named) {
            if (!Pattern.compile("(?m)^" + series + "[{ ]").matcher(metrics).find()) {
                missing.add(series);
            }
        }
        assertThat(missing).as("series the dashboard names but /observe/metrics does not export").isEmpty();
    }

    /** The value of {@code name{labels}}: the line of that name holding (at least) those labels. */
    private static double value(String series) {
        int brace = series.indexOf('{');
        String name = brace < 0 ? series : series.substring(0, brace);
        List<String> labels = brace < 0 ? List.of()
                : List.of(series.substring(brace + 1, series.length() - 1).split(","));
        for (String line : metrics.split("\n")) {
            int end = line.lastIndexOf(' ');
            String key = end < 0 ? line : line.substring(0, end);
            if ((key.equals(name) || key.startsWith(name + "{")) && labels.stream().allMatch(key::contains)) {
                return Double.parseDouble(line.substring(end + 1).trim());
            }
        }
        throw new AssertionError(series + " not in /observe/metrics:\n" + metrics);
    }

    private static List<String> statuses(JsonNode results) {
        List<String> statuses = new ArrayList<>();
        results.forEach(r -> statuses.add(r.get("status").asText()));
        return statuses;
    }

    private static String scrape() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
