package io.cardroutes.packaged;

import static io.cardroutes.support.Waiting.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.cardroutes.support.PrivatePlace;

/**
 * The packaged bundle as a user runs it: {@code java -jar target/enkash-card-routes.jar} from the
 * project root, configured only through environment variables, in its own JVM.
 */
public final class PackagedJar implements AutoCloseable {

    public final Path home;
    public final Path inbox;
    public final Path outbox;
    public final Path errorDir;
    public final int httpPort;
    public final int sandboxPort;
    public final Path log;
    private final Map<String, String> env = new HashMap<>();
    private Process process;

    public PackagedJar(Path home) throws IOException {
        PrivatePlace place = new PrivatePlace(home);
        this.home = home;
        this.inbox = place.inbox;
        this.outbox = place.outbox;
        this.errorDir = place.errorDir;
        this.log = home.resolve("bundle.log");
        this.httpPort = place.httpPort;
        this.sandboxPort = place.sandboxPort;
        env.putAll(place.environment());
        env.put("APP_INBOX_POLL_MS", "100");
        env.put("APP_INBOX_READ_LOCK_CHECK_MS", "200");
    }

    public PackagedJar env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Starts the JVM and returns once /observe/health/live answers UP; the time that took is returned. */
    public Duration start(String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.add("-jar");
        command.add("target/enkash-card-routes.jar");
        return run(command);
    }

    /** Starts the bundle through {@code bin/enkash-card-routes} (which execs java), like {@link #start}. */
    public Duration startWithLauncher() throws Exception {
        return run(List.of("bin/enkash-card-routes"));
    }

    private Duration run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        long started = System.nanoTime();
        process = pb.start();
        return awaitHealthy(process, httpPort, started, Duration.ofSeconds(240), "the bundle", log);
    }

    /**
     * Waits until {@code process} answers UP on /observe/health/live and returns the time since
     * {@code startedNanos}; fails when it exits first or the timeout passes (a limit, not a speed check:
     * the bench measures start time, and a busy build machine took over 60 s).
     */
    public static Duration awaitHealthy(Process process, int httpPort, long startedNanos, Duration timeout,
            String kind, Path log) {
        HttpClient http = HttpClient.newHttpClient();
        await(kind + " to answer UP on /observe/health/live (see " + log + ")").atMost(timeout)
                .failFast(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(kind + " exited with " + process.exitValue() + "; see " + log);
                    }
                })
                .until(() -> answersUp(http, httpPort));
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Whether the bundle on {@code httpPort} answers UP on /observe/health/live (ready may stay DOWN: a locked login); false while it is not listening yet. */
    public static boolean answersUp(HttpClient http, int httpPort) throws InterruptedException {
        return answersUp(http, httpPort, "/observe/health/live");
    }

    /** Whether the bundle on {@code httpPort} answers UP on the health {@code path}; false while it is not listening yet. */
    public static boolean answersUp(HttpClient http, int httpPort, String path) throws InterruptedException {
        try {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + httpPort + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200 && health.body().contains("UP");
        } catch (IOException notYet) {
            return false;
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Drops a file into the inbox as a user should: written beside it, then moved in at once. */
    public void drop(String name, String content) throws IOException {
        Path part = home.resolve(name + ".part");
        Files.writeString(part, content);
        Files.move(part, inbox.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The bundle's JVM, for a test that signals it and watches how it ends. */
    public Process process() {
        return process;
    }

    /** kill -9: no shutdown hook, no graceful stop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public int stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return process == null ? 0 : process.exitValue();
        }
        process.destroy();
        // a limit, not a speed check (GracefulStopIT asserts the stop's time): a JVM that writes its class-data
        // archive at exit took over 30 s on a loaded 2-core build machine
        if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return process.waitFor();
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    /** A JDK 25 or later: -Djdk25.home, else the first under /usr/lib/jvm whose release file says so; null if none. */
    public static Path newerJdk() throws Exception {
        String given = System.getProperty("jdk25.home");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin/java")) && feature(h) >= 25).sorted().findFirst()
                    .orElse(null);
        }
    }

    private static int feature(Path javaHome) {
        try {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(javaHome.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (Exception e) {
            return 0;
        }
    }
}
