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
import io.cardroutes.Application;
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
 * {@code --profile} (a JFR recording per measured scenario, target/bench/*.jfr), {@code --budget=S} (default
 * 540: scenarios are sized from the warm-up's rate to fit, and one that would still overrun is cut and
 * reported with what it finished; 0: no limit), {@code --programs=bundle,baseline}. For diagnosis:
 * {@code --warmup=N}, {@code --first-file=N}, {@code --rest-warmup-seconds=S}, {@code --db-options=}
 * (H2 URL options instead of {@code ;WRITE_DELAY=0}), {@code --memory-programs=bundle,baseline} (default: bundle).
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
    /** Rows of the first file after the start ("file-first"), the same for both programs. */
    private final int firstFile;
    /** JMS and file sizes per latency, decided by the first program measured there and reused by the other. */
    private final Map<String, Integer> sized = new java.util.HashMap<>();
    private final int restWarmupSeconds;
    private final String dbOptions;
    private final List<Target.Kind> programs;
    private final List<Target.Kind> memoryPrograms;
    private final long budgetNanos;
    private long began;
    private long deadline;
    private final List<Measure> measures = new ArrayList<>();
    private final List<Map<String, Object>> startups = new ArrayList<>();
    private final Map<String, Object> header = new LinkedHashMap<>();

    private Bench(Map<String, String> opts) {
        boolean quick = opts.containsKey("quick");
        only = new LinkedHashSet<>(Arrays.asList(opts.getOrDefault("only", "startup,file,jms,rest,memory").split(",")));
        requests = Integer.parseInt(opts.getOrDefault("requests", quick ? "1000" : "10000"));
        memoryRequests = Integer.parseInt(opts.getOrDefault("memory-requests", quick ? "5000" : "200000"));
        restSeconds = Integer.parseInt(opts.getOrDefault("rest-seconds", quick ? "5" : "30"));
        latencies = Arrays.stream(opts.getOrDefault("latencies", "0,50").split(",")).mapToLong(Long::parseLong).toArray();
        profile = opts.containsKey("profile");
        warmup = Integer.parseInt(opts.getOrDefault("warmup", quick ? "200" : "500"));
        firstFile = Integer.parseInt(opts.getOrDefault("first-file", quick ? "500" : "2000"));
        restWarmupSeconds = Integer.parseInt(opts.getOrDefault("rest-warmup-seconds", "2"));
        // diagnosis only: e.g. --db-options= (H2's default write delay) to see what WRITE_DELAY=0 costs
        dbOptions = opts.getOrDefault("db-options", ";WRITE_DELAY=0");
        programs = kinds(opts.getOrDefault("programs", "bundle,baseline"));
        // the memory scenario is the bundle's proof; the baseline's run is optional (it shares the budget)
        memoryPrograms = kinds(opts.getOrDefault("memory-programs", "bundle")).stream()
                .filter(programs::contains).toList();
        // the whole run, start to table, in seconds; 0: every scenario runs to its end
        budgetNanos = Long.parseLong(opts.getOrDefault("budget", "540")) * 1_000_000_000L;
    }

    private static List<Target.Kind> kinds(String names) {
        return Arrays.stream(names.split(",")).map(p -> Target.Kind.valueOf(p.trim().toUpperCase(Locale.ROOT)))
                .toList();
    }

    public static void main(String[] args) throws Exception {
        Application.sendSmallAnswersAtOnce(); // the driver's sandbox answers as fast as the bundle's
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
        began = System.nanoTime();
        deadline = budgetNanos <= 0 ? Long.MAX_VALUE : began + budgetNanos - 15_000_000_000L;
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
        boolean memory = only.contains("memory");
        // the channel phases may use the budget up to here; the memory phase has the rest
        long channelsEnd = deadline == Long.MAX_VALUE ? Long.MAX_VALUE
                : memory ? began + (long) (budgetNanos * 0.66) : deadline;
        if (!channels.isEmpty()) {
            int phasesLeft = latencies.length * programs.size();
            for (long latency : latencies) {
                for (Target.Kind kind : programs) {
                    long phaseEnd = channelsEnd == Long.MAX_VALUE ? Long.MAX_VALUE
                            : System.nanoTime() + (channelsEnd - System.nanoTime()) / phasesLeft;
                    channelPhase(work, kind, latency, channels, phaseEnd);
                    phasesLeft--;
                }
            }
        }
        if (memory) {
            for (Target.Kind kind : memoryPrograms) {
                // with both programs, the bundle gets two thirds of what is left, the baseline the rest
                long phaseEnd = deadline == Long.MAX_VALUE ? Long.MAX_VALUE
                        : System.nanoTime() + (deadline - System.nanoTime())
                                * (kind == Target.Kind.BUNDLE && memoryPrograms.size() > 1 ? 2 : 3) / 3;
                memoryPhase(work, kind, phaseEnd);
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
        try (Target bundle = new Target(Target.Kind.BUNDLE, work.resolve("startup"))) {
            bundle.start(); // the default profile: its own sandbox, H2, embedded broker
            record("bundle", "default profile", bundle.startup());
        }
        // bin/enkash-card-routes: the first start records the class-data archive as it stops, the next uses it
        try (Target first = new Target(Target.Kind.BUNDLE, work.resolve("startup-launcher")).launcher()) {
            first.start();
            record("bundle", "bin/enkash-card-routes, first start", first.startup());
        }
        try (Target again = new Target(Target.Kind.BUNDLE, work.resolve("startup-launcher")).launcher()) {
            again.start();
            record("bundle", "bin/enkash-card-routes, with its AppCDS archive", again.startup());
        }
        // with JAVA_HOME at a JDK 25 or later the launcher records and uses the JDK's AOT cache instead
        java.nio.file.Path jdk = io.cardroutes.packaged.PackagedJar.newerJdk();
        if (jdk != null) {
            for (String how : new String[] {"first start", "with its AOT cache"}) {
                try (Target t = new Target(Target.Kind.BUNDLE, work.resolve("startup-launcher-aot")).launcher()
                        .env("JAVA_HOME", jdk.toString())) {
                    t.start();
                    record("bundle", "bin/enkash-card-routes on " + jdk.getFileName() + ", " + how, t.startup());
                }
            }
        }
    }

    private void record(String target, String how, Duration took) {
        System.out.printf("startup %s (%s): %.2f s%n", target, how, took.toMillis() / 1000.0);
        startups.add(Map.of("target", target, "how", how, "seconds", took.toMillis() / 1000.0));
    }

    /**
     * One program at one EnKash latency: warm-up (which also measures the rate), then REST
     * (time-boxed), JMS and file. With a budget, the JMS and file runs are sized from the warm-up's
     * rate to fit the phase's share (never more than {@code --requests}); one that still overruns is
     * cut and reported with what it finished (a cut file run ends the phase: the program is killed).
     */
    private void channelPhase(Path work, Target.Kind kind, long latency, Set<String> channels, long phaseEnd)
            throws Exception {
        String tag = kind.name().toLowerCase(Locale.ROOT) + "-" + latency + "ms";
        System.out.printf("%n== %s, EnKash latency %d ms%s ==%n", kind, latency, phaseEnd == Long.MAX_VALUE ? ""
                : String.format(" (budget %d s)", (phaseEnd - System.nanoTime()) / 1_000_000_000L));
        EnkashSandbox enkash = sandbox(latency);
        Scenarios load = new Scenarios(enkash::createCalls);
        List<Measure> phase = new ArrayList<>();
        Target t = new Target(kind, work.resolve(tag), dbOptions).enkash(enkash.baseUrl())
                .env("APP_JMS_CONCURRENT_CONSUMERS", String.valueOf(JMS_CONSUMERS))
                .env("APP_PIPELINE_CONCURRENCY", String.valueOf(FILE_CONCURRENCY));
        if (profile) {
            t.profileTo(out);
        }
        String p = latency + (kind == Target.Kind.BUNDLE ? "B" : "L");
        boolean killed = false;
        try {
            t.start();
            record(kind.name().toLowerCase(Locale.ROOT), "sandbox off, EnKash " + latency + " ms", t.startup());
            // the first file after the start (measured: "file-first", the same size for both programs), then a
            // warm-up of the shared pipeline through the file channel (JIT), then each other channel briefly
            double fileRate = 0;
            double jmsRate = 0;
            if (channels.contains("file") || channels.contains("jms")) {
                Measure first = load.file(t, "S" + p, firstFile, latency, FILE_CONCURRENCY, timeout(firstFile, phaseEnd, 1));
                if (channels.contains("file")) {
                    first.scenario = "file-first";
                    phase.add(print(first));
                }
                fileRate = load.file(t, "W" + p + "G", 4 * warmup, latency, FILE_CONCURRENCY,
                        timeout(4 * warmup, phaseEnd, 1)).requestsPerS;
            }
            if (channels.contains("jms")) {
                jmsRate = load.jms(t, "W" + p + "J", warmup / 2, latency, JMS_CONSUMERS, timeout(warmup, phaseEnd, 1))
                        .requestsPerS;
            }
            if (channels.contains("rest")) {
                load.rest(t, "W" + p + "R", Duration.ofSeconds(restWarmupSeconds), latency, REST_CONCURRENCY);
                phase.add(print(load.rest(t, "R" + p, Duration.ofSeconds(restSeconds), latency, REST_CONCURRENCY)));
            }
            int left = (channels.contains("jms") ? 1 : 0) + (channels.contains("file") ? 1 : 0);
            // both programs get the same counts: the first program of this latency sizes them from its warm-up
            if (channels.contains("jms")) {
                double rate = jmsRate;
                int scenarios = left;
                int n = sized.computeIfAbsent("jms-" + latency, k -> size(rate * 1.3, phaseEnd, scenarios));
                phase.add(print(load.jms(t, "J" + p, n, latency, JMS_CONSUMERS, timeout(n, phaseEnd, left--))));
            }
            if (channels.contains("file")) {
                double rate = fileRate;
                int n = sized.computeIfAbsent("file-" + latency, k -> size(rate * 1.6, phaseEnd, 1)); // a cut file run ends the phase
                Measure file = load.file(t, "F" + p, n, latency, FILE_CONCURRENCY, timeout(n, phaseEnd, left));
                phase.add(print(file));
                killed = !file.completed;
            }
        } finally {
            if (killed) {
                t.kill();
            } else {
                t.stop();
            }
            enkash.stop();
        }
        Scenarios.databaseLatencies(t.dbUrl, phase);
        phase.forEach(m -> m.asked = m.scenario.equals("rest") ? 0 : m.scenario.equals("file-first") ? firstFile : requests);
        cleanUp(t, phase);
        measures.addAll(phase);
    }

    /** Notes the database's size, then deletes it and the broker journal (they reach gigabytes); logs stay. */
    private static void cleanUp(Target t, List<Measure> phase) throws IOException {
        double mb = folderBytes(t.home.resolve("db")) / 1e6;
        phase.forEach(m -> m.dbFolderMb = mb);
        deleteTree(t.home.resolve("db"));
        deleteTree(t.home.resolve("broker"));
    }

    private static long folderBytes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** {@code --requests}, or fewer when the (warm-up's) rate says that many would not fit the budget left. */
    private int size(double rate, long phaseEnd, int scenariosLeft) {
        if (phaseEnd == Long.MAX_VALUE || rate <= 0) {
            return requests;
        }
        double seconds = (phaseEnd - System.nanoTime()) / 1e9 / Math.max(1, scenariosLeft) - 8; // pick-up, stop, slack
        int fits = (int) (rate * seconds / 100) * 100;
        return Math.max(Math.min(requests, 500), Math.min(requests, fits));
    }

    private void memoryPhase(Path work, Target.Kind kind, long phaseEnd) throws Exception {
        String tag = kind.name().toLowerCase(Locale.ROOT) + "-memory";
        System.out.printf("%n== %s, %d-line CSV with -Xmx256m%s ==%n", kind, memoryRequests, phaseEnd == Long.MAX_VALUE
                ? "" : String.format(" (budget %d s)", (phaseEnd - System.nanoTime()) / 1_000_000_000L));
        EnkashSandbox enkash = sandbox(0);
        Scenarios load = new Scenarios(enkash::createCalls);
        Target t = new Target(kind, work.resolve(tag), dbOptions).enkash(enkash.baseUrl()).jvm("-Xmx256m")
                .env("APP_PIPELINE_CONCURRENCY", String.valueOf(FILE_CONCURRENCY));
        if (profile) {
            t.profileTo(out);
        }
        List<Measure> phase = new ArrayList<>();
        boolean killed = false;
        try {
            t.start();
            Measure m = load.file(t, "M" + (kind == Target.Kind.BUNDLE ? "B" : "L"), memoryRequests, 0,
                    FILE_CONCURRENCY, timeout(memoryRequests, phaseEnd, 1));
            m.scenario = "memory";
            if (t.alive()) {
                // G1 lets garbage fill the heap up to its reserve before it collects, so the peak says little
                // about what the bundle needs; the heap left after a full collection says that
                long live = t.probe().liveHeapKb();
                m.heapLiveAfterMb = live < 0 ? Double.NaN : live / 1024.0;
            }
            m.note = "-Xmx256m" + (m.note.isEmpty() ? "" : ", " + m.note);
            phase.add(print(m));
            killed = !m.completed;
        } finally {
            if (killed) {
                t.kill();
            } else {
                t.stop();
            }
            enkash.stop();
        }
        Scenarios.databaseLatencies(t.dbUrl, phase);
        phase.forEach(m -> m.asked = memoryRequests);
        cleanUp(t, phase);
        measures.addAll(phase);
    }

    /**
     * How long a scenario may run: without a budget, ten minutes; with one, its share of what is left of the
     * phase (at least 15 s).
     */
    private Duration timeout(int n, long phaseEnd, int scenariosLeft) {
        if (phaseEnd == Long.MAX_VALUE) {
            return Duration.ofSeconds(Math.max(600, n / 50));
        }
        long share = (phaseEnd - System.nanoTime() - 3_000_000_000L) / Math.max(1, scenariosLeft) / 1_000_000_000L;
        return Duration.ofSeconds(Math.max(15, share));
    }

    private static Measure print(Measure m) {
        System.out.printf("%-6s %-8s %3d ms: %6d req in %6.1f s = %7.1f req/s, CPU %.2f s/1k req, peak RSS %.0f MB, "
                        + "heap peak %.0f MB%s%n", m.scenario, m.target, m.latencyMs, m.requests, m.elapsedS,
                m.requestsPerS, m.cpuSPer1000, m.peakRssMb, m.heapUsedPeakMb, m.completed ? "" : "  (INCOMPLETE)");
        if (m.scenario.equals("memory")) {
            System.out.printf("         old generation peak %.0f MB, heap in use after a full GC once done %.0f MB%n",
                    m.heapOldPeakMb, m.heapLiveAfterMb);
        }
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
        header.put("dbOptions", dbOptions);
        header.put("options", Map.of("requests", requests, "memoryRequests", memoryRequests, "restSeconds", restSeconds,
                "fileConcurrency", FILE_CONCURRENCY, "jmsConsumers", JMS_CONSUMERS, "restConcurrency", REST_CONCURRENCY,
                "warmupRequests", warmup, "firstFileRequests", firstFile, "budgetSeconds", budgetNanos / 1_000_000_000L));
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
