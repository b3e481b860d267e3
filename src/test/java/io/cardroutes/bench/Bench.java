package io.cardroutes.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cardroutes.bench.Scenarios.Measure;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.SandboxSettings;

/**
 * The benchmark (issue #5): the packaged bundle and the plain-Java {@link Baseline}, each in its own
 * JVM, against an EnKash sandbox in this JVM, on the same machine in the same run. Scenarios: time
 * to ready; file (one CSV), JMS (messages on the request queue) and REST (synchronous POSTs at a
 * fixed concurrency for a fixed time), each with the sandbox answering at once and after 50 ms; and
 * a large CSV under {@code -Xmx256m}. Writes {@code target/bench/results.md} and
 * {@code results.json}. Run from the project root after {@code mvn package}: {@code bench/run.sh}.
 *
 * <p>Options: {@code --quick} (small sizes, to check the bench itself), {@code --only=startup,file,jms,rest,memory},
 * {@code --requests=N}, {@code --memory-requests=N}, {@code --rest-seconds=S}, {@code --latencies=0,50},
 * {@code --profile} (JFR recording of the bundle, target/bench/*.jfr).
 */
public final class Bench {

    private static final int FILE_CONCURRENCY = 16; // the bundle's app.pipeline.concurrency default
    private static final int JMS_CONSUMERS = 16;    // set for both programs, so file and JMS share one bound
    private static final int REST_CONCURRENCY = 32;

    private final Path out = Path.of("target/bench");
    private final Set<String> only;
    private final int requests;
    private final int memoryRequests;
    private final int restSeconds;
    private final long[] latencies;
    private final boolean profile;
    private final int warmup;
    private final List<Measure> measures = new ArrayList<>();
    private final List<Map<String, Object>> startups = new ArrayList<>();
    private final Map<String, Object> header = new LinkedHashMap<>();
    private EnkashSandbox sandbox;

    private Bench(Map<String, String> opts) {
        boolean quick = opts.containsKey("quick");
        only = new LinkedHashSet<>(Arrays.asList(opts.getOrDefault("only", "startup,file,jms,rest,memory").split(",")));
        requests = Integer.parseInt(opts.getOrDefault("requests", quick ? "1000" : "10000"));
        memoryRequests = Integer.parseInt(opts.getOrDefault("memory-requests", quick ? "5000" : "200000"));
        restSeconds = Integer.parseInt(opts.getOrDefault("rest-seconds", quick ? "5" : "30"));
        latencies = Arrays.stream(opts.getOrDefault("latencies", "0,50").split(",")).mapToLong(Long::parseLong).toArray();
        profile = opts.containsKey("profile");
        warmup = Integer.parseInt(opts.getOrDefault("warmup", quick ? "200" : "1000"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String arg : args) {
            String a = arg.replaceFirst("^--", "");
            int eq = a.indexOf('=');
            opts.put(eq < 0 ? a : a.substring(0, eq), eq < 0 ? "" : a.substring(eq + 1));
        }
        if (!Files.exists(Path.of("target/enkash-card-routes.jar"))) {
            throw new IllegalStateException("run from the project root after `mvn package` (target/enkash-card-routes.jar)");
        }
        new Bench(opts).run();
    }

    private void run() throws Exception {
        long began = System.nanoTime();
        Files.createDirectories(out);
        Path work = out.resolve("work");
        deleteTree(work);
        describeMachine();
        System.out.printf("Benchmark on %s: %s cores, Java %s%n", header.get("host"), header.get("cores"),
                header.get("java"));

        if (only.contains("startup")) {
            startup(work);
        }
        Set<String> channels = new LinkedHashSet<>(only);
        channels.retainAll(Set.of("file", "jms", "rest"));
        if (!channels.isEmpty()) {
            for (long latency : latencies) {
                for (Target.Kind kind : Target.Kind.values()) {
                    channelPhase(work, kind, latency, channels);
                }
            }
        }
        if (only.contains("memory")) {
            for (Target.Kind kind : Target.Kind.values()) {
                memoryPhase(work, kind);
            }
        }
        header.put("loadAverageAfter", loadAverage());
        header.put("benchSeconds", Math.round((System.nanoTime() - began) / 1e9));
        Report report = new Report(header, startups, measures);
        String markdown = report.markdown();
        Files.writeString(out.resolve("results.md"), markdown);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(out.resolve("results.json").toFile(), report.json());
        System.out.println();
        System.out.println(markdown);
        System.out.println("Written: target/bench/results.md, target/bench/results.json");
    }

    // ------------------------------------------------------------------ phases

    private void startup(Path work) throws Exception {
        for (int i = 1; i <= 3; i++) {
            try (Target bundle = new Target(Target.Kind.BUNDLE, work.resolve("startup-" + i))) {
                bundle.start(); // the default profile: its own sandbox, H2, embedded broker
                record("bundle", bundle.startup());
            }
        }
        EnkashSandbox enkash = sandbox(0);
        try (Target baseline = new Target(Target.Kind.BASELINE, work.resolve("startup-baseline"))
                .enkash(enkash.baseUrl())) {
            baseline.start();
            record("baseline", baseline.startup());
        } finally {
            enkash.stop();
        }
    }

    private void record(String target, Duration took) {
        System.out.printf("startup %s: %.2f s%n", target, took.toMillis() / 1000.0);
        startups.add(Map.of("target", target, "seconds", took.toMillis() / 1000.0));
    }

    private void channelPhase(Path work, Target.Kind kind, long latency, Set<String> channels) throws Exception {
        String tag = kind.name().toLowerCase(Locale.ROOT) + "-" + latency + "ms";
        System.out.printf("%n== %s, EnKash latency %d ms ==%n", kind, latency);
        EnkashSandbox enkash = sandbox(latency);
        Scenarios load = new Scenarios(enkash::createCalls);
        List<Measure> phase = new ArrayList<>();
        Target t = new Target(kind, work.resolve(tag)).enkash(enkash.baseUrl())
                .env("APP_JMS_CONCURRENT_CONSUMERS", String.valueOf(JMS_CONSUMERS))
                .env("APP_PIPELINE_CONCURRENCY", String.valueOf(FILE_CONCURRENCY));
        if (profile && kind == Target.Kind.BUNDLE) {
            t.jvm("-XX:StartFlightRecording=filename=" + out.toAbsolutePath().resolve(tag + ".jfr")
                    + ",settings=profile,dumponexit=true");
        }
        String p = latency + (kind == Target.Kind.BUNDLE ? "B" : "L");
        Duration timeout = timeout(requests, latency, FILE_CONCURRENCY);
        try {
            t.start();
            System.out.printf("%s ready in %.2f s; warming up%n", kind, t.startup().toMillis() / 1000.0);
            if (channels.contains("file")) {
                load.file(t, "W" + p + "F", warmup, latency, FILE_CONCURRENCY, timeout);
            }
            if (channels.contains("jms")) {
                load.jms(t, "W" + p + "J", warmup / 2, latency, JMS_CONSUMERS, timeout);
            }
            if (channels.contains("rest")) {
                load.rest(t, "W" + p + "R", Duration.ofSeconds(2), latency, REST_CONCURRENCY);
            }
            if (channels.contains("file")) {
                phase.add(print(load.file(t, "F" + p, requests, latency, FILE_CONCURRENCY, timeout)));
            }
            if (channels.contains("jms")) {
                phase.add(print(load.jms(t, "J" + p, requests, latency, JMS_CONSUMERS, timeout)));
            }
            if (channels.contains("rest")) {
                phase.add(print(load.rest(t, "R" + p, Duration.ofSeconds(restSeconds), latency, REST_CONCURRENCY)));
            }
        } finally {
            t.stop();
            enkash.stop();
        }
        Scenarios.databaseLatencies(t.dbUrl, phase);
        measures.addAll(phase);
    }

    private void memoryPhase(Path work, Target.Kind kind) throws Exception {
        String tag = kind.name().toLowerCase(Locale.ROOT) + "-memory";
        System.out.printf("%n== %s, %d-line CSV with -Xmx256m ==%n", kind, memoryRequests);
        EnkashSandbox enkash = sandbox(0);
        Scenarios load = new Scenarios(enkash::createCalls);
        Target t = new Target(kind, work.resolve(tag)).enkash(enkash.baseUrl()).jvm("-Xmx256m")
                .env("APP_PIPELINE_CONCURRENCY", String.valueOf(FILE_CONCURRENCY));
        List<Measure> phase = new ArrayList<>();
        try {
            t.start();
            Measure m = load.file(t, "M" + (kind == Target.Kind.BUNDLE ? "B" : "L"), memoryRequests, 0,
                    FILE_CONCURRENCY, Duration.ofSeconds(Math.max(60, memoryRequests / 500)));
            m.scenario = "memory";
            m.note = "-Xmx256m" + (m.completed ? "" : ", NOT COMPLETED");
            phase.add(print(m));
        } finally {
            t.stop();
            enkash.stop();
        }
        Scenarios.databaseLatencies(t.dbUrl, phase);
        measures.addAll(phase);
    }

    private static Duration timeout(int n, long latencyMs, int concurrency) {
        double bound = n * latencyMs / 1000.0 / concurrency;
        return Duration.ofSeconds((long) Math.max(120, bound * 4));
    }

    private static Measure print(Measure m) {
        System.out.printf("%-6s %-8s %3d ms: %6d req in %6.1f s = %7.1f req/s, CPU %.2f s/1k req, peak RSS %.0f MB, "
                        + "heap peak %.0f MB%s%n", m.scenario, m.target, m.latencyMs, m.requests, m.elapsedS,
                m.requestsPerS, m.cpuSPer1000, m.peakRssMb, m.heapUsedPeakMb, m.completed ? "" : "  (INCOMPLETE)");
        return m;
    }

    private EnkashSandbox sandbox(long latencyMs) {
        SandboxSettings settings = new SandboxSettings(0, "sandbox-client", "sandbox-secret", "9999999999",
                "sandbox-password", "SANDBOX-PARTNER", 3600, latencyMs, 0, 0, 1, false, null, Set.of(), 128);
        EnkashSandbox enkash = new EnkashSandbox(settings, Clock.systemUTC());
        enkash.start();
        return enkash;
    }

    // ------------------------------------------------------------------ header

    private void describeMachine() throws IOException {
        header.put("date", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                Instant.now().atOffset(ZoneOffset.UTC).withNano(0)) + "Z");
        header.put("host", InetAddress.getLocalHost().getHostName());
        header.put("cores", Runtime.getRuntime().availableProcessors());
        header.put("cpu", firstLine(Path.of("/proc/cpuinfo"), l -> l.startsWith("model name"))
                .replaceFirst("^model name\\s*:\\s*", ""));
        header.put("memoryMb", Long.parseLong(firstLine(Path.of("/proc/meminfo"), l -> l.startsWith("MemTotal"))
                .replaceAll("\\D", "")) / 1024);
        header.put("java", System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")");
        header.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        header.put("loadAverageBefore", loadAverage());
        header.put("commit", git("rev-parse", "--short", "HEAD") + (git("status", "--porcelain").isBlank() ? "" : " (with local changes)"));
        header.put("options", Map.of("requests", requests, "memoryRequests", memoryRequests, "restSeconds", restSeconds,
                "fileConcurrency", FILE_CONCURRENCY, "jmsConsumers", JMS_CONSUMERS, "restConcurrency", REST_CONCURRENCY,
                "warmupRequests", warmup));
    }

    private static String firstLine(Path file, Predicate<String> which) throws IOException {
        return Files.readAllLines(file).stream().filter(which).findFirst().orElse("?");
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String git(String... args) {
        try {
            List<String> command = new ArrayList<>(List.of("git"));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? text : "?";
        } catch (Exception e) {
            return "?";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
