package io.cardroutes.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One program under test in its own JVM, configured only by environment variables (as
 * {@code io.cardroutes.packaged.PackagedJar} starts the bundle): the packaged bundle
 * ({@code java -jar target/enkash-card-routes.jar}) or the {@link Baseline}. Both get the same
 * variables, the same folders and ports, and are ready when {@code /observe/health} says UP.
 */
final class Target implements AutoCloseable {

    enum Kind { BUNDLE, BASELINE }

    final Kind kind;
    private boolean launcher;
    final Path home;
    final Path inbox;
    final Path outbox;
    final Path log;
    final int httpPort;
    final int brokerPort;
    final String dbUrl;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private Process process;
    private ProcessProbe probe;
    private Duration startup;
    private Path profileFolder;

    Target(Kind kind, Path home) throws IOException {
        this(kind, home, ";WRITE_DELAY=0");
    }

    Target(Kind kind, Path home, String dbOptions) throws IOException {
        this.kind = kind;
        this.home = home;
        this.inbox = home.resolve("inbox");
        this.outbox = home.resolve("outbox");
        this.log = home.resolve(kind == Kind.BUNDLE ? "bundle.log" : "baseline.log");
        Files.createDirectories(inbox);
        this.httpPort = freePort();
        this.brokerPort = freePort();
        this.dbUrl = "jdbc:h2:file:" + home.resolve("db/cards").toAbsolutePath() + dbOptions;
        env.put("APP_INBOX", inbox.toAbsolutePath().toString());
        env.put("APP_OUTBOX", outbox.toAbsolutePath().toString());
        env.put("APP_ERROR_DIR", home.resolve("error").toAbsolutePath().toString());
        env.put("APP_DB_URL", dbUrl);
        env.put("APP_HTTP_PORT", String.valueOf(httpPort));
        env.put("ENKASH_SANDBOX_PORT", String.valueOf(freePort()));
        env.put("APP_BROKER_EMBEDDED_PORT", String.valueOf(brokerPort));
        env.put("APP_BROKER_DATA_DIR", home.resolve("broker").toAbsolutePath().toString());
        env.put("APP_INBOX_POLL_MS", "100");
        env.put("APP_INBOX_READ_LOCK_CHECK_MS", "200");
    }

    /** Points the program at a sandbox the driver runs (the bundle's own sandbox is then off). */
    Target enkash(String baseUrl) {
        env.put("ENKASH_SANDBOX_ENABLED", "false");
        env.put("ENKASH_BASE_URL", baseUrl);
        return this;
    }

    Target env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Target jvm(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    /** The bundle through {@code bin/enkash-card-routes} (AppCDS archive) instead of plain {@code java -jar}. */
    Target launcher() {
        launcher = true;
        // the archive in this run's folder: a first start records one even when an earlier run left one
        env.put("APP_CDS_DIR", home.resolve("cds").toAbsolutePath().toString());
        return this;
    }

    /** Starts the JVM from the project root and returns once health is UP. */
    Target start() throws Exception {
        List<String> command = new ArrayList<>();
        if (launcher) {
            command.add("bin/enkash-card-routes");
            env.put("JAVA_OPTS", String.join(" ", jvmOptions));
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
        }
        if (launcher) {
            // the script runs java -jar itself
        } else if (kind == Kind.BUNDLE) {
            command.add("-jar");
            command.add("target/enkash-card-routes.jar");
        } else {
            command.add("-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile",
                    "bench/log4j2-bench.xml"));
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Baseline.class.getName());
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        long started = System.nanoTime();
        process = pb.start();
        startup = healthyAfter(started, Duration.ofSeconds(90));
        probe = new ProcessProbe(process.pid());
        return this;
    }

    /** With a profile folder set, every measured scenario gets its own JFR recording (jcmd, outside the window). */
    Target profileTo(Path folder) {
        this.profileFolder = folder;
        return this;
    }

    /**
     * The time from {@code startedNanos} to the first UP on /observe/health/ready, polled every 25 ms (the
     * measured time to ready; liveness comes earlier). The bench runs outside JUnit, without Awaitility on its class path.
     */
    private Duration healthyAfter(long startedNanos, Duration timeout) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = startedNanos + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(kind + " exited with " + process.exitValue() + "; see " + log);
            }
            if (io.cardroutes.packaged.PackagedJar.answersUp(http, httpPort, "/observe/health/ready")) {
                return Duration.ofNanos(System.nanoTime() - startedNanos);
            }
            Thread.sleep(25);
        }
        throw new IllegalStateException(kind + " not healthy within " + timeout.toSeconds() + " s; see " + log);
    }

    void profileStart() throws Exception {
        if (profileFolder != null && alive()) {
            jcmd("JFR.start", "name=bench", "settings=profile");
        }
    }

    void profileStop(String name) throws Exception {
        if (profileFolder != null && alive()) {
            jcmd("JFR.stop", "name=bench", "filename=" + profileFolder.toAbsolutePath().resolve(
                    kind.name().toLowerCase() + "-" + name + ".jfr"));
        }
    }

    private void jcmd(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid())));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(60, TimeUnit.SECONDS);
    }

    Duration startup() {
        return startup;
    }

    long pid() {
        return process.pid();
    }

    ProcessProbe probe() {
        return probe;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** kill -9, for a program still busy with a cut scenario (a graceful stop would wait for it). */
    void kill() throws InterruptedException {
        if (probe != null) {
            probe.close();
        }
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    void stop() throws InterruptedException {
        if (probe != null) {
            probe.close();
        }
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
