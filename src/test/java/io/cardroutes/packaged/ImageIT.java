package io.cardroutes.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.support.PrivatePlace;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image that `mvn -Pimage package` writes (target/enkash-card-routes-image.tar), read as a
 * container runtime reads it: its configuration (user, working folder, entry point), its layers' files, and,
 * where this machine lets root do it, the image run with no Docker daemon: its layers unpacked into a root
 * file system, its entry point started there in private mount and PID namespaces as the image's user, with
 * routes/ laid out as a Kubernetes ConfigMap volume lays it out, against the machine's PostgreSQL. Runs only
 * under the image profile (`mvn -Pimage verify`), which names the tarball.
 */
class ImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    private static Path unpacked;
    private static JsonNode config;
    private static List<Path> layers;

    @BeforeAll
    static void unpack() throws Exception {
        String tarball = System.getProperty("image.tarball");
        assumeTrue(tarball != null && Files.isRegularFile(Path.of(tarball)), "no image: build it with -Pimage");
        unpacked = Files.createTempDirectory(Path.of("target"), "image-it-");
        run(List.of("tar", "-xf", tarball, "-C", unpacked.toString()));
        JsonNode manifest = JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
        config = JSON.readTree(unpacked.resolve(manifest.get("Config").asText()).toFile()).get("config");
        layers = new ArrayList<>();
        manifest.get("Layers").forEach(l -> layers.add(unpacked.resolve(l.asText())));
    }

    /** --one-file-system: never into a /dev or /proc that is somehow still mounted there. */
    @AfterAll
    static void removeUnpacked() throws Exception {
        if (unpacked != null) {
            run(List.of("rm", "-rf", "--one-file-system", unpacked.toString()));
        }
    }

    @Test
    void the_image_starts_the_bundle_as_user_10001_in_app() {
        assertThat(config.get("User").asText()).isEqualTo("10001:10001");
        assertThat(config.get("WorkingDir").asText()).isEqualTo("/app");
        assertThat(config.get("Entrypoint")).extracting(JsonNode::asText)
                .startsWith("java").endsWith("-cp", "@/app/jib-classpath-file", "io.cardroutes.Application");
        assertThat(config.get("Env")).extracting(JsonNode::asText).anyMatch(e -> e.startsWith("PATH=/opt/java/openjdk/bin:"));
        assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
    }

    @Test
    void its_layers_hold_the_runtime_the_bundle_its_routes_and_its_config() throws Exception {
        Set<String> files = new TreeSet<>();
        Map<String, String> modes = new HashMap<>();
        for (Path layer : layers) {
            for (String line : run(List.of("tar", "--warning=no-unknown-keyword", "-tvzf", layer.toString()))) {
                String[] cols = line.trim().split("\\s+");
                String name = cols[cols.length - 1];
                files.add(name);
                modes.put(name, cols[0]);
            }
        }
        assertThat(files).contains("opt/java/openjdk/bin/java", "opt/java/openjdk/lib/security/cacerts",
                "lib64/ld-linux-x86-64.so.2", "lib/x86_64-linux-gnu/libc.so.6", "etc/passwd",
                "app/classes/io/cardroutes/Application.class", "app/libs/camel-main-4.17.0.jar", "app/jib-classpath-file");
        assertThat(files).containsAll(repositoryFiles("routes", "app/routes/"));
        assertThat(files).containsAll(repositoryFiles("config", "app/config/"));
        assertThat(modes.get("opt/java/openjdk/bin/java")).isEqualTo("-rwxr-xr-x");
        // owned by root in every image Jib builds, so open to the bundle's user, who keeps its folders private
        assertThat(modes.get("app/data/")).isEqualTo("drwxrwxrwx");
    }

    @Test
    void it_runs_as_10001_from_configmap_style_routes_issues_a_card_in_postgresql_and_stops_on_sigterm()
            throws Exception {
        assumeTrue(canRunContainers(), "needs root and unshare (Linux), as a container runtime would");
        Path root = unpacked.resolve("rootfs");
        Files.createDirectories(root);
        for (Path layer : layers) {
            run(List.of("tar", "--warning=no-unknown-keyword", "-xzf", layer.toString(), "-C", root.toString()));
        }
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        asConfigMapVolume(root.resolve("app/routes"));

        String schema = "image_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(POSTGRES, "postgres", "");
             Statement st = admin.createStatement()) {
            st.execute("create schema " + schema);
            try {
                Path log = Path.of("target/image-it-bundle.log"); // kept when the unpacked image is removed
                Files.deleteIfExists(log);
                int httpPort = PrivatePlace.freePort();
                Process container = start(root, environment(schema, httpPort), log);
                try {
                    PackagedJar.awaitHealthy(container, httpPort, System.nanoTime(),
                            Duration.ofSeconds(120), "the image", log);
                    ProcessHandle java = container.descendants().filter(p -> p.info().command()
                            .map(c -> c.endsWith("/java")).orElse(false)).findFirst().orElseThrow();
                    assertThat(Files.readAllLines(Path.of("/proc/" + java.pid() + "/status")))
                            .anyMatch(l -> l.matches("Uid:\\s+10001\\s+10001\\s+10001\\s+10001"));
                    HttpClient http = HttpClient.newHttpClient();
                    assertThat(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort
                            + "/observe/health/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                            .isEqualTo(200);
                    HttpResponse<String> created = http.send(HttpRequest.newBuilder(
                                    URI.create("http://localhost:" + httpPort + "/api/v1/cards"))
                            .header("X-API-Key", "image-key").header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"requestId\":\"IMG-1\",\"mobile\":\"9876500601\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                    assertThat(JSON.readTree(created.body()).get("status").asText()).isEqualTo("CREATED");
                    // the answer comes from the pipeline; its row's outcome is committed by the next group
                    // commit, just after (the claim, committed before the call, is there already)
                    Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        try (ResultSet rs = st.executeQuery("select status from " + schema
                                + ".card_request where request_id = 'IMG-1'")) {
                            assertThat(rs.next()).isTrue();
                            assertThat(rs.getString(1)).isEqualTo("CREATED");
                        }
                    });

                    java.destroy(); // SIGTERM, as `docker stop` and Kubernetes send it
                    assertThat(container.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
                    assertThat(container.exitValue()).as("exit status; see " + log).isZero();
                } finally {
                    container.destroyForcibly().waitFor();
                }
            } finally {
                st.execute("drop schema " + schema + " cascade");
            }
        }
    }

    /** The image's own environment plus what a production instance gets from its ConfigMap and Secret. */
    private static Map<String, String> environment(String schema, int httpPort) throws IOException {
        Map<String, String> env = new HashMap<>();
        config.get("Env").forEach(e -> {
            String[] kv = e.asText().split("=", 2);
            env.put(kv[0], kv[1]);
        });
        int sandboxPort = PrivatePlace.freePort();
        env.putAll(Map.of("CAMEL_MAIN_PROFILE", "prod", "APP_HTTP_PORT", String.valueOf(httpPort),
                "APP_DB_URL", POSTGRES + "?currentSchema=" + schema, "APP_DB_USER", "postgres",
                "APP_API_KEYS", "image-key", "APP_BROKER_EMBEDDED_PORT", String.valueOf(PrivatePlace.freePort()),
                "APP_BROKER_USER", "image-broker", "APP_BROKER_PASSWORD", "image-broker-password"));
        // the prod profile with the sandbox standing in for EnKash, its credentials set like real ones
        env.putAll(Map.of("ENKASH_SANDBOX_ENABLED", "true", "ENKASH_SANDBOX_PORT", String.valueOf(sandboxPort),
                "ENKASH_BASE_URL", "http://localhost:" + sandboxPort, "ENKASH_CLIENT_ID", "image-client",
                "ENKASH_CLIENT_SECRET", "image-secret", "ENKASH_USERNAME", "9000000001",
                "ENKASH_PASSWORD", "image-password", "ENKASH_PARTNER_ID", "IMAGE-PARTNER",
                "ENKASH_COMPANY_ID", "IMAGE-COMPANY", "ENKASH_CARD_ACCOUNT_ID", "IMAGE-ACCOUNT"));
        return env;
    }

    /**
     * The entry point in {@code root} as the image's user and working folder, in its own mount and PID
     * namespaces (with /proc and /dev, which the JVM needs) on the host's network; --kill-child ends it with
     * the test.
     */
    private static Process start(Path root, Map<String, String> env, Path log) throws IOException {
        String[] user = config.get("User").asText().split(":");
        String script = "root=\"$0\" wd=\"$1\" gid=\"$2\" uid=\"$3\"; shift 3;"
                + " mount --rbind /dev \"$root/dev\" && mount -t proc proc \"$root/proc\""
                + " && exec unshare --root=\"$root\" --wd=\"$wd\" --setgid=\"$gid\" --setuid=\"$uid\" \"$@\"";
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child",
                "sh", "-c", script, root.toAbsolutePath().toString(), config.get("WorkingDir").asText(), user[1], user[0]));
        config.get("Entrypoint").forEach(a -> command.add(a.asText()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    /**
     * How the kubelet writes a ConfigMap volume: the files in a hidden timestamped folder, {@code ..data}
     * linking to it, and each file name a link through {@code ..data}.
     */
    private static void asConfigMapVolume(Path folder) throws IOException {
        Path stamped = folder.resolve("..2026_01_01_00_00_00.000000000");
        Files.createDirectory(stamped);
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            Files.move(file, stamped.resolve(file.getFileName()));
        }
        Files.createSymbolicLink(folder.resolve("..data"), stamped.getFileName());
        for (Path file : files) {
            Files.createSymbolicLink(file, Path.of("..data").resolve(file.getFileName()));
        }
    }

    private static boolean canRunContainers() throws Exception {
        if (!System.getProperty("os.name").equals("Linux") || !"0".equals(run(List.of("id", "-u")).get(0).trim())) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5432), 2000);
        } catch (IOException noPostgres) {
            throw new IllegalStateException("PostgreSQL is not listening on 127.0.0.1:5432", noPostgres);
        }
        return new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "true").start().waitFor() == 0;
    }

    private static Set<String> repositoryFiles(String folder, String into) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of(folder))) {
            files.filter(Files::isRegularFile).forEach(f -> names.add(into + Path.of(folder).relativize(f)));
        }
        return names;
    }

    private static List<String> run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed: " + out);
        }
        return out.lines().toList();
    }
}
