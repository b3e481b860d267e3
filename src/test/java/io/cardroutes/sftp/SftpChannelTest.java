package io.cardroutes.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.persistence.Database;
import io.cardroutes.persistence.TakenFiles;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.PrivatePlace;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SFTP channel against a real SFTP server in this JVM (Apache MINA SSHD): key login with the host key
 * verified, results back on the server, input in done/, unreadable input in error/ with its reason, files
 * remembered across restarts, and a server that is down or not trusted reported and retried.
 */
class SftpChannelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PASSPHRASE = "not-the-passphrase";
    private static PartnerSftpServer server;
    private static Path home;
    private static Path knownHosts;
    private static Map<String, String> settings;
    private static Bundle bundle;
    private EnkashSandbox sandbox;

    @BeforeAll
    static void boot() throws Exception {
        home = Files.createTempDirectory("sftp-bundle-");
        server = new PartnerSftpServer(Files.createTempDirectory("sftp-server-"), PrivatePlace.freePort());
        server.start();
        knownHosts = home.resolve("known_hosts");
        Files.writeString(knownHosts, server.knownHostsLine());
        Path key = home.resolve("id_ecdsa");
        server.writeClientKey(key, PASSPHRASE);
        settings = new HashMap<>();
        settings.put("app.sftp.enabled", "true");
        settings.put("app.sftp.host", "localhost");
        settings.put("app.sftp.port", String.valueOf(server.port));
        settings.put("app.sftp.user", PartnerSftpServer.USER);
        settings.put("app.sftp.private-key-file", key.toString());
        settings.put("app.sftp.private-key-passphrase", PASSPHRASE);
        settings.put("app.sftp.known-hosts", knownHosts.toString());
        settings.put("app.sftp.poll-ms", "100");
        settings.put("app.sftp.backoff-multiplier", "2");
        settings.put("app.sftp.read-lock-check-ms", "100");
        settings.put("app.sftp.connect-timeout-ms", "3000");
        settings.put("app.management.port", String.valueOf(PrivatePlace.freePort()));
        bundle = Bundle.startAt(home, settings);
    }

    @AfterAll
    static void shutdown() throws Exception {
        bundle.close();
        server.close();
    }

    @BeforeEach
    void freshSandbox() {
        sandbox = bundle.freshSandbox();
    }

    @Test
    void a_file_in_the_sftp_inbox_gets_its_results_file_in_the_sftp_outbox_and_moves_to_done() throws Exception {
        server.upload("cards.csv", "firstName,mobile\nAsha,9876500601\nRavi,9876500602\n");

        JsonNode results = awaitResults("cards.csv");

        assertThat(results).extracting(n -> n.get("status").asText()).containsExactly("CREATED", "CREATED");
        assertThat(results).extracting(n -> n.get("requestId").asText())
                .allMatch(id -> id.matches("cards\\.csv@[0-9a-f]{12}#[12]"), "the file channel's default ids");
        assertThat(sandbox.cardsFor("9876500601")).isEqualTo(1);
        assertThat(bundle.row(results.get(0).get("requestId").asText()).get("channel")).isEqualTo("SFTP");
        await(() -> names("done").stream().anyMatch(n -> n.startsWith("cards-") && n.endsWith(".csv")), "cards.csv in done");
        assertThat(server.root.resolve("inbox/cards.csv")).doesNotExist();
        assertThat(names("outbox")).as("nothing left under a temporary name").allMatch(n -> !n.startsWith("."));
    }

    @Test
    void an_unreadable_file_goes_to_the_error_folder_on_the_server_with_its_reason() throws Exception {
        server.upload("broken.json", "{\"firstName\": \"Asha\",");

        await(() -> Files.exists(server.root.resolve("error/broken.json.error.txt")), "the error note");

        assertThat(Files.readString(server.root.resolve("error/broken.json.error.txt")))
                .contains("File: broken.json").contains("not valid JSON");
        await(() -> Files.exists(server.root.resolve("error/broken.json")), "broken.json in error");
        assertThat(sandbox.createCalls()).isZero();
    }

    @Test
    void a_restart_does_not_take_a_file_again_but_a_changed_file_under_the_same_name_is_new() throws Exception {
        String first = "{\"requestId\":\"SFTP-R1\",\"firstName\":\"Asha\",\"mobile\":\"9876500611\"}";
        Path file = server.upload("again.json", first);
        FileTime modified = Files.getLastModifiedTime(file);
        awaitResults("again.json");
        Path done = await(() -> names("done").stream().anyMatch(n -> n.startsWith("again-")), "again.json in done")
                ? server.root.resolve("done").resolve(names("done").stream().filter(n -> n.startsWith("again-")).findFirst().orElseThrow())
                : null;

        bundle.close();
        // the same file (name, size, time) back in the inbox, as when moving it to done had failed
        Files.copy(done, server.root.resolve("inbox/.again.json.part"));
        Files.setLastModifiedTime(server.root.resolve("inbox/.again.json.part"), modified);
        Files.move(server.root.resolve("inbox/.again.json.part"), server.root.resolve("inbox/again.json"));
        bundle = Bundle.startAt(home, settings);
        sandbox = bundle.freshSandbox();
        server.upload("marker.json", "{\"requestId\":\"SFTP-R2\",\"firstName\":\"Ravi\",\"mobile\":\"9876500612\"}");
        awaitResults("marker.json");

        assertThat(server.root.resolve("inbox/again.json")).as("remembered, not taken again").exists();
        assertThat(server.root.resolve("outbox/again.json.results.json")).doesNotExist();

        Files.delete(server.root.resolve("inbox/again.json"));
        Files.writeString(server.root.resolve("outbox/again.json.results.json"), "[]"); // not yet fetched by the partner
        server.upload("again.json", "{\"requestId\":\"SFTP-R3\",\"firstName\":\"Meera\",\"mobile\":\"9876500613\"}");
        await(() -> names("outbox").stream().anyMatch(n -> n.matches("\\d{8}-\\d{9}-again\\.json\\.results\\.json")),
                "the older results file kept under a time prefix");
        assertThat(awaitResults("again.json").get(0).get("requestId").asText()).isEqualTo("SFTP-R3");
        assertThat(sandbox.createCalls()).isEqualTo(2);
    }

    @Test
    void a_server_whose_host_key_is_not_known_is_never_sent_a_login() throws Exception {
        Files.writeString(knownHosts, "");
        bundle.context().getRouteController().stopRoute("inbound-sftp"); // a fresh connection
        int attempts = server.loginAttempts.get();
        try {
            bundle.context().getRouteController().startRoute("inbound-sftp");
            server.upload("unknown.json", "{\"requestId\":\"SFTP-K1\",\"firstName\":\"Asha\",\"mobile\":\"9876500621\"}");

            awaitDown("reject HostKey");

            assertThat(server.loginAttempts.get()).as("login attempts").isEqualTo(attempts);
            assertThat(server.root.resolve("inbox/unknown.json")).exists();
        } finally {
            Files.writeString(knownHosts, server.knownHostsLine());
        }
        awaitResults("unknown.json");
        awaitHealth(200);
    }

    @Test
    void a_server_that_is_down_is_reported_and_retried_until_it_is_up_again() throws Exception {
        awaitHealth(200);
        server.stop();
        try {
            awaitDown("Connection refused");
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + settings.get("app.management.port") + "/observe/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).containsPattern("(?m)^cardroutes_sftp_failures_total\\S* [1-9]");
            // reported, but no reason to take the bundle out of service (REST, JMS and the inbox still work)
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bundle.httpPort
                    + "/observe/health/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            server.upload("later.json", "{\"requestId\":\"SFTP-D1\",\"firstName\":\"Asha\",\"mobile\":\"9876500631\"}");
            bundle.freshSandbox();
        } finally {
            server.start();
        }
        assertThat(awaitResults("later.json").get(0).get("status").asText()).isEqualTo("CREATED");
        awaitHealth(200);
    }

    /** The results file of input {@code name} (then removed), once the input has left the inbox. */
    @Test
    void of_instances_sharing_the_database_that_see_a_file_at_once_only_one_takes_it() throws Exception {
        Database database = bundle.context().hasService(Database.class);
        List<TakenFiles> instances = List.of(new TakenFiles(database), new TakenFiles(database),
                new TakenFiles(database), new TakenFiles(database));
        instances.forEach(ServiceHelper::startService);
        ExecutorService threads = Executors.newFixedThreadPool(instances.size());
        try {
            for (int file = 0; file < 20; file++) {
                String key = "sftp:race-" + file + ".csv-10-1700000000000";
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> took = new ArrayList<>();
                for (TakenFiles instance : instances) {
                    took.add(threads.submit(() -> {
                        go.await();
                        return instance.add(key);
                    }));
                }
                go.countDown();
                int takers = 0;
                for (Future<Boolean> one : took) {
                    takers += one.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(takers).as("instances that took " + key).isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
            instances.forEach(ServiceHelper::stopService);
        }
    }

    @Test
    void logs_in_with_a_password_when_no_key_is_configured_and_logs_neither_secret() throws Exception {
        Map<String, String> password = new HashMap<>(settings);
        password.remove("app.sftp.private-key-file");
        password.remove("app.sftp.private-key-passphrase");
        password.put("app.sftp.password", PartnerSftpServer.PASSWORD);
        password.put("app.sftp.inbox", "partner-b/in");
        password.put("app.sftp.outbox", "/partner-b/results");
        try (Bundle other = Bundle.start(password)) {
            other.freshSandbox();
            server.upload("partner-b/in", "pw.json", "{\"requestId\":\"SFTP-P1\",\"firstName\":\"Asha\",\"mobile\":\"9876500641\"}");
            Path results = server.root.resolve("partner-b/results/pw.json.results.json");
            await(() -> Files.exists(results), "results in partner-b/results");
            assertThat(JSON.readTree(results.toFile()).get(0).get("status").asText()).isEqualTo("CREATED");
            await(() -> Files.isDirectory(server.root.resolve("partner-b/done")), "partner-b/done beside the inbox");
        }
        assertThat(Files.readString(Path.of("target/test-logs/bundle.log")))
                .contains("app.sftp.private-key-passphrase").doesNotContain(PASSPHRASE)
                .doesNotContain(PartnerSftpServer.PASSWORD);
    }

    @Test
    void the_channel_is_off_unless_enabled() throws Exception {
        try (Bundle off = Bundle.start()) {
            assertThat(off.context().getRouteController().getRouteStatus("inbound-sftp").isStopped()).isTrue();
            assertThat(off.context().getRouteController().getRouteStatus("inbound-file").isStarted()).isTrue();
        }
        assertThat(bundle.context().getRouteController().getRouteStatus("inbound-sftp").isStarted()).isTrue();
    }

    private static JsonNode awaitResults(String name) throws Exception {
        Path results = server.root.resolve("outbox").resolve(name + ".results.json");
        await(() -> Files.exists(results), "results file " + results);
        await(() -> !Files.exists(server.root.resolve("inbox").resolve(name)), name + " to leave the inbox");
        JsonNode node = JSON.readTree(results.toFile());
        Files.delete(results);
        return node;
    }

    private static List<String> names(String folder) {
        try (Stream<Path> files = Files.list(server.root.resolve(folder))) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException notYet) {
            return List.of();
        }
    }

    private static void awaitHealth(int status) throws Exception {
        await(() -> health().statusCode() == status, "health " + status);
    }

    /** Health DOWN (503) through the sftp-inbox check, for {@code reason}. */
    private static void awaitDown(String reason) throws Exception {
        await(() -> {
            HttpResponse<String> health = health();
            return health.statusCode() == 503 && health.body().contains("sftp-inbox") && health.body().contains(reason);
        }, "health DOWN with sftp-inbox: " + reason);
    }

    private static HttpResponse<String> health() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bundle.httpPort + "/observe/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        Bundle.await(condition, Duration.ofSeconds(30), what);
        return true;
    }
}
