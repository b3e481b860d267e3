package io.cardroutes.ops;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.cardroutes.support.Bundle;
import io.cardroutes.support.PrivatePlace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the bundle shows and keeps as installed, to anyone on the network or the machine: no Jolokia but the
 * console's, on loopback and read-only; no process details, data files only its own user can read, no JDBC URL in the log; and a prod profile
 * that refuses to start rather than fall back to an H2 file or an open broker.
 */
class SecureDefaultsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int managementPort = PrivatePlace.freePort();
    // the console as shipped (on): the test support turns it off for the other tests
    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(Map.of("app.management.port", String.valueOf(managementPort),
            "app.hawtio.enabled", "true"));

    @Test
    void by_default_jolokia_is_only_the_console_one_on_loopback_and_read_only() throws Exception {
        assertThat(get(URI.create("http://localhost:" + bundle.httpPort + "/observe/jolokia/version")).statusCode())
                .isEqualTo(404);
        assertThat(get(ManagementTest.management("127.0.0.1", managementPort, "/observe/jolokia/version")).statusCode())
                .isEqualTo(404);
        URI console = ManagementTest.management("127.0.0.1", managementPort, "/hawtio/");
        HawtioConsoleTest.awaitConsole(console, null);
        // the attack, through the console's Jolokia: a Camel operation that writes a file
        HttpResponse<String> send = HawtioConsoleTest.send(console.resolve("jolokia/"), ManagementTest.sendToAFile(bundle), null);
        assertThat(send.body()).contains("\"status\":403");
        assertThat(bundle.home.resolve("owned.txt")).doesNotExist();

        Optional<InetAddress> outside = ManagementTest.nonLoopbackAddress();
        assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address to try");
        assertThatThrownBy(() -> get(ManagementTest.management(outside.get().getHostAddress(), managementPort, "/hawtio/")))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void observe_info_tells_no_one_about_the_process() throws Exception {
        HttpResponse<String> info = get(URI.create("http://localhost:" + bundle.httpPort + "/observe/info"));
        assertThat(info.statusCode()).isEqualTo(404);
        assertThat(info.body()).doesNotContain(System.getProperty("user.home"))
                .doesNotContain(System.getProperty("user.dir")).doesNotContain(System.getProperty("os.version"));
    }

    @Test
    void files_under_the_data_folders_are_not_readable_by_other_users() throws Exception {
        bundle.drop("private.json", "{\"requestId\":\"PRIVATE-1\",\"mobile\":\"9876500701\"}");
        bundle.awaitResults("private.json");
        bundle.drop("broken.json", "{ not json");
        Path note = bundle.errorDir.resolve("broken.json.error.txt");
        await("the error note").atMost(Duration.ofSeconds(30)).until(() -> Files.exists(note));
        bundle.drop("again.json", "{\"requestId\":\"PRIVATE-2\",\"mobile\":\"9876500702\"}");
        Path results = bundle.outbox.resolve("again.json.results.json");
        await("a results file").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(results));

        List<Path> folders = List.of(bundle.outbox, bundle.errorDir, bundle.home.resolve("db"),
                bundle.home.resolve("broker"), bundle.inbox.resolve(".done"), bundle.inbox.resolve(".inprogress"));
        List<String> readable = new ArrayList<>();
        int files = 0;
        for (Path folder : folders) {
            assertThat(Files.getPosixFilePermissions(folder)).as(folder.toString())
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.OWNER_EXECUTE);
            try (Stream<Path> all = Files.walk(folder)) {
                for (Path p : all.filter(Files::isRegularFile).toList()) {
                    files++;
                    if (readableByOthers(folder, p)) {
                        readable.add(p.toString());
                    }
                }
            }
        }
        assertThat(files).as("files written under the data folders").isGreaterThan(5);
        assertThat(readable).as("files another user can read").isEmpty();
        assertThat(Files.getPosixFilePermissions(note)).doesNotContain(PosixFilePermission.GROUP_READ,
                PosixFilePermission.OTHERS_READ);
    }

    @Test
    void the_jdbc_url_is_not_logged_only_where_the_database_is() throws Exception {
        String log = Files.readString(Path.of("target/test-logs/bundle.log"), StandardCharsets.UTF_8);
        assertThat(log).contains(bundle.home.resolve("db/cards") + ";...")
                .doesNotContain(bundle.home.resolve("db/cards") + ";WRITE_DELAY");
    }

    @Test
    void the_prod_profile_refuses_to_start_without_app_db_url() {
        assertThatThrownBy(() -> startProd(Map.of("app.db.url", "")))
                .hasStackTraceContaining("No database configured: set APP_DB_URL");
    }

    @Test
    void the_prod_profile_refuses_the_console_without_a_login_even_on_loopback() {
        assertThatThrownBy(() -> startProd(Map.of("app.hawtio.enabled", "true", "app.management.host", "127.0.0.1")))
                .hasStackTraceContaining("Hawtio requires a login")
                .hasStackTraceContaining("APP_MANAGEMENT_USER and APP_MANAGEMENT_PASSWORD");
    }

    @Test
    void the_prod_profile_refuses_an_embedded_broker_without_a_login() {
        assertThatThrownBy(() -> startProd(Map.of()))
                .hasStackTraceContaining("The embedded broker requires a login")
                .hasStackTraceContaining("APP_BROKER_USER and APP_BROKER_PASSWORD");
    }

    /** A bundle in the prod profile (which the bundle reads from -D camel.main.profile before Camel starts). */
    private static void startProd(Map<String, String> overrides) throws Exception {
        String before = System.getProperty("camel.main.profile");
        System.setProperty("camel.main.profile", "prod");
        try (Bundle ignored = Bundle.start(overrides)) {
            throw new AssertionError("the prod profile started");
        } finally {
            if (before == null) {
                System.clearProperty("camel.main.profile");
            } else {
                System.setProperty("camel.main.profile", before);
            }
        }
    }

    /** Whether a user other than the owner can read {@code file}: it must be readable to them, and every folder on the way open. */
    private static boolean readableByOthers(Path root, Path file) throws Exception {
        Set<PosixFilePermission> own = Files.getPosixFilePermissions(file);
        boolean fileOpen = own.contains(PosixFilePermission.OTHERS_READ) || own.contains(PosixFilePermission.GROUP_READ);
        for (Path dir = file.getParent(); fileOpen && dir != null && dir.startsWith(root); dir = dir.getParent()) {
            Set<PosixFilePermission> d = Files.getPosixFilePermissions(dir);
            fileOpen = d.contains(PosixFilePermission.OTHERS_EXECUTE) || d.contains(PosixFilePermission.GROUP_EXECUTE);
        }
        return fileOpen;
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
