package io.cardroutes.bench;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The load of each scenario, the same for the bundle and the baseline: a CSV dropped in the inbox,
 * messages on the request queue, or synchronous POSTs at a fixed concurrency. Each measures one
 * window on the target's {@link ProcessProbe}; per-request latencies of the file and JMS channels
 * come from the database afterwards ({@link #databaseLatencies}).
 */
final class Scenarios {

    static final String REQUESTS_QUEUE = "enkash.cards.requests";
    static final String RESULTS_QUEUE = "enkash.cards.results";
    private static final java.util.Set<String> IN_FLIGHT = java.util.Set.of("SENDING", "VERIFYING");
    private static final AtomicLong MOBILES = new AtomicLong();

    /** What one scenario measured on one target. */
    static final class Measure {
        String scenario;
        String target;
        long latencyMs;
        int concurrency;
        long requests;
        /** What the scenario asks for ({@code --requests}); {@link #requests} is less when the budget sized it down. */
        long asked;
        /** Requests finished in the window: all of them, or fewer when the scenario was cut. */
        long processed;
        long ok;
        long errors;
        double elapsedS;
        double requestsPerS;
        double p50Ms = Double.NaN;
        double p95Ms = Double.NaN;
        double p99Ms = Double.NaN;
        String latencySource;
        double cpuS;
        double cpuSPer1000;
        double peakRssMb;
        double heapUsedPeakMb;
        double heapCommittedPeakMb;
        double heapOldPeakMb;
        /** Heap in use after a full collection once the scenario ended (memory scenario only). */
        double heapLiveAfterMb = Double.NaN;
        double gcS;
        int fullGcs;
        /** Size of the program's database folder when its phase ended. */
        double dbFolderMb;
        double driverCpuS;
        double otherCpuS;
        boolean completed;
        Map<String, Double> threadCpuS = new TreeMap<>();
        transient Map<Long, Map.Entry<String, Double>> threads0;
        transient double driverCpu0;
        transient java.time.Instant endedAt;
        transient double[] machine0;
        String note = "";
        String idPrefix;
        Map<String, Long> statuses = new TreeMap<>();
    }

    private final IntSupplier sandboxCreates;

    Scenarios(IntSupplier sandboxCreates) {
        this.sandboxCreates = sandboxCreates;
    }

    static String request(String requestId) {
        long m = MOBILES.incrementAndGet();
        return String.format("{\"requestId\":\"%s\",\"firstName\":\"Bench\",\"lastName\":\"User%d\","
                + "\"mobile\":\"7%09d\",\"email\":\"bench%d@example.org\"}", requestId, m, m, m);
    }

    // ------------------------------------------------------------------ file

    Measure file(Target t, String name, int n, long latencyMs, int concurrency, Duration timeout) throws Exception {
        Path part = t.home.resolve(name + ".csv.part");
        try (Writer out = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
            out.write("requestId,firstName,lastName,mobile,email\n");
            for (int i = 0; i < n; i++) {
                long m = MOBILES.incrementAndGet();
                out.write(String.format("%s-%d,Bench,User%d,7%09d,bench%d@example.org%n", name, i, m, m, m));
            }
        }
        Measure r = start(t, "file", name, n, latencyMs, concurrency);
        Path results = t.outbox.resolve(name + ".csv.results.json");
        ProcessProbe probe = t.probe();
        probe.mark();
        double cpu0 = probe.cpuSeconds();
        mark(r, t);
        int creates0 = sandboxCreates.getAsInt();
        long t0 = System.nanoTime();
        Files.move(part, t.inbox.resolve(name + ".csv"), StandardCopyOption.ATOMIC_MOVE);
        r.completed = await(() -> Files.exists(results), t, timeout, name, n, creates0);
        r.processed = r.completed ? n : sandboxCreates.getAsInt() - creates0; // refined from the database later
        finish(r, t, t0, cpu0);
        if (!r.completed) {
            r.note = String.format("cut after %.0f s", r.elapsedS);
        }
        return r;
    }

    // ------------------------------------------------------------------ JMS

    Measure jms(Target t, String name, int n, long latencyMs, int concurrency, Duration timeout) throws Exception {
        Measure r = start(t, "jms", name, n, latencyMs, concurrency);
        ActiveMQConnectionFactory factory =
                new ActiveMQConnectionFactory("tcp://localhost:" + t.brokerPort + "?useEpoll=false");
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session listen = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer results = listen.createConsumer(listen.createQueue(RESULTS_QUEUE));
            AtomicInteger received = new AtomicInteger();
            AtomicInteger created = new AtomicInteger();
            String marker = "\"" + name + "-";
            results.setMessageListener(message -> {
                try {
                    String text = ((TextMessage) message).getText();
                    if (text.contains(marker)) {
                        received.incrementAndGet();
                        if (text.contains("CREATED")) {
                            created.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    // counted as missing
                }
            });
            Session send = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = send.createProducer(send.createQueue(REQUESTS_QUEUE));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            ProcessProbe probe = t.probe();
            probe.mark();
            double cpu0 = probe.cpuSeconds();
            mark(r, t);
            int creates0 = sandboxCreates.getAsInt();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                producer.send(send.createTextMessage(request(name + "-" + i)));
                if (i % 100 == 99) {
                    send.commit();
                }
            }
            send.commit();
            double sent = (System.nanoTime() - t0) / 1e9;
            r.completed = await(() -> received.get() >= n, t, timeout, name, n, creates0);
            r.processed = received.get();
            finish(r, t, t0, cpu0);
            r.ok = created.get();
            r.errors = received.get() - created.get();
            r.note = String.format("sent in %.1f s", sent);
            if (!r.completed) {
                r.note += String.format(", cut after %.0f s", r.elapsedS);
                // the consumers hold the rest (prefetched): let them finish before the next scenario measures
                long until = System.nanoTime() + 60_000_000_000L;
                while (received.get() < n && System.nanoTime() < until && t.alive()) {
                    Thread.sleep(100);
                }
                int drained = n - received.get();
                System.out.printf("  waited for the rest of the cut run: %d still unanswered%n", drained);
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ REST

    Measure rest(Target t, String name, Duration duration, long latencyMs, int concurrency) throws Exception {
        Measure r = start(t, "rest", name, 0, latencyMs, concurrency);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://localhost:" + t.httpPort + "/api/v1/cards");
        long[][] latencies = new long[concurrency][];
        int[] counts = new int[concurrency];
        AtomicLong errors = new AtomicLong();
        AtomicInteger firstErrors = new AtomicInteger();
        AtomicInteger seq = new AtomicInteger();
        ProcessProbe probe = t.probe();
        probe.mark();
        double cpu0 = probe.cpuSeconds();
        mark(r, t);
        long t0 = System.nanoTime();
        long deadline = t0 + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            int me = w;
            latencies[me] = new long[4096];
            Thread worker = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    String body = request(name + "-" + seq.getAndIncrement());
                    long s = System.nanoTime();
                    try {
                        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(60))
                                .header("X-API-Key", "demo-key").header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - s;
                        if (answer.statusCode() == 201) {
                            if (counts[me] == latencies[me].length) {
                                latencies[me] = Arrays.copyOf(latencies[me], counts[me] * 2);
                            }
                            latencies[me][counts[me]++] = took;
                        } else {
                            errors.incrementAndGet();
                            if (firstErrors.getAndIncrement() < 3) {
                                System.out.println("  REST " + answer.statusCode() + ": "
                                        + answer.body().substring(0, Math.min(300, answer.body().length())));
                            }
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        if (firstErrors.getAndIncrement() < 3) {
                            System.out.println("  REST call failed: " + e);
                        }
                    }
                }
            }, "rest-load-" + w);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        finish(r, t, t0, cpu0);
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int at = 0;
        for (int w = 0; w < concurrency; w++) {
            System.arraycopy(latencies[w], 0, all, at, counts[w]);
            at += counts[w];
        }
        r.ok = total;
        r.errors = errors.get();
        r.requests = total + errors.get();
        r.processed = r.requests;
        r.requestsPerS = total / r.elapsedS;
        r.cpuSPer1000 = r.requests == 0 ? Double.NaN : r.cpuS / r.requests * 1000;
        r.completed = r.errors == 0 && total > 0;
        r.latencySource = "client round trip";
        percentiles(r, all);
        return r;
    }

    // ------------------------------------------------------------------ shared

    private static Measure start(Target t, String scenario, String name, int n, long latencyMs, int concurrency) {
        Measure r = new Measure();
        r.scenario = scenario;
        r.target = t.kind.name().toLowerCase();
        r.requests = n;
        r.latencyMs = latencyMs;
        r.concurrency = concurrency;
        r.idPrefix = name + "-";
        return r;
    }

    private static void finish(Measure r, Target t, long t0, double cpu0) throws Exception {
        ProcessProbe probe = t.probe();
        r.elapsedS = (System.nanoTime() - t0) / 1e9;
        r.endedAt = java.time.Instant.now();
        r.cpuS = t.alive() ? probe.cpuSeconds() - cpu0 : Double.NaN;
        r.peakRssMb = t.alive() ? probe.peakRssKb() / 1024.0 : Double.NaN;
        r.heapUsedPeakMb = probe.heapUsedMaxKb() / 1024.0;
        r.heapCommittedPeakMb = probe.heapCommittedMaxKb() / 1024.0;
        r.heapOldPeakMb = probe.oldUsedMaxKb() / 1024.0;
        r.gcS = probe.gcSecondsSinceMark();
        r.fullGcs = probe.fullGcsSinceMark();
        r.driverCpuS = driverCpu() - r.driverCpu0;
        if (t.alive()) {
            ProcessProbe.threadGroups(r.threads0, probe.threadCpu()).forEach((group, s) -> {
                if (s >= 0.05) {
                    r.threadCpuS.put(group, Math.round(s * 100) / 100.0);
                }
            });
        }
        double[] machine = ProcessProbe.machineCpu();
        double busy = machine[0] - r.machine0[0];
        r.otherCpuS = Math.max(0, busy - (Double.isNaN(r.cpuS) ? 0 : r.cpuS) - r.driverCpuS);
        if (r.processed > 0) {
            r.requestsPerS = r.processed / r.elapsedS;
            r.cpuSPer1000 = r.cpuS / r.processed * 1000;
        }
        if (!r.idPrefix.startsWith("W")) {
            t.profileStop(r.idPrefix.replace("-", ""));
        }
    }

    private void mark(Measure r, Target t) throws Exception {
        if (!r.idPrefix.startsWith("W")) {
            t.profileStart();
        }
        r.threads0 = t.probe().threadCpu();
        r.driverCpu0 = driverCpu();
        r.machine0 = ProcessProbe.machineCpu();
    }

    private static double driverCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    interface Check {
        boolean done() throws Exception;
    }

    private boolean await(Check done, Target t, Duration timeout, String name, int n, int creates0) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextReport = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (done.done()) {
                return true;
            }
            if (!t.alive()) {
                System.out.println("  " + t.kind + " died during " + name + "; see " + t.log);
                return false;
            }
            if (System.nanoTime() > nextReport) {
                System.out.printf("  %s %s: %d of %d sent to EnKash%n", t.kind, name,
                        sandboxCreates.getAsInt() - creates0, n);
                nextReport += 10_000_000_000L;
            }
            Thread.sleep(10);
        }
        System.out.printf("  %s %s: not finished after %d s (%d of %d sent to EnKash)%n", t.kind, name,
                timeout.toSeconds(), sandboxCreates.getAsInt() - creates0, n);
        return false;
    }

    /** Per-request claim-to-outcome latencies (created_at to updated_at) and statuses, read once the target stopped. */
    static void databaseLatencies(String dbUrl, List<Measure> measures) throws Exception {
        try (java.sql.Connection db = DriverManager.getConnection(dbUrl.replaceAll(";.*", ""), "sa", "")) {
            for (Measure r : measures) {
                if (r.scenario.equals("rest")) {
                    statuses(db, r);
                    continue;
                }
                List<Long> micros = new ArrayList<>();
                try (PreparedStatement ps = db.prepareStatement("select created_at, updated_at, status from card_request "
                        + "where request_id like ?")) {
                    ps.setString(1, r.idPrefix + "%");
                    ps.setFetchSize(1000);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String status = rs.getString(3);
                            OffsetDateTime created = rs.getObject(1, OffsetDateTime.class);
                            OffsetDateTime updated = rs.getObject(2, OffsetDateTime.class);
                            boolean inWindow = !updated.toInstant().isAfter(r.endedAt);
                            if (!inWindow || IN_FLIGHT.contains(status)) {
                                r.statuses.merge("unfinished when measured", 1L, Long::sum);
                                continue;
                            }
                            r.statuses.merge(status, 1L, Long::sum);
                            micros.add(ChronoUnit.MICROS.between(created, updated));
                        }
                    }
                }
                long[] nanos = micros.stream().mapToLong(m -> m * 1000).toArray();
                r.latencySource = "claim to outcome (database)";
                percentiles(r, nanos);
                if (r.scenario.startsWith("file") || r.scenario.equals("memory")) {
                    r.ok = r.statuses.getOrDefault("CREATED", 0L);
                    if (!r.completed) {
                        // cut: what was finished when the clock stopped (rows finished later in the kill's shadow are few)
                        r.processed = nanos.length;
                        r.requestsPerS = r.processed / r.elapsedS;
                        r.cpuSPer1000 = r.cpuS / Math.max(1, r.processed) * 1000;
                    }
                    r.errors = r.processed - r.ok;
                }
            }
        }
    }

    private static void statuses(java.sql.Connection db, Measure r) throws Exception {
        try (PreparedStatement ps = db.prepareStatement("select status, count(*) from card_request "
                + "where request_id like ? group by status")) {
            ps.setString(1, r.idPrefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    r.statuses.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
    }

    static void percentiles(Measure r, long[] nanos) {
        if (nanos.length == 0) {
            return;
        }
        Arrays.sort(nanos);
        r.p50Ms = at(nanos, 0.50) / 1e6;
        r.p95Ms = at(nanos, 0.95) / 1e6;
        r.p99Ms = at(nanos, 0.99) / 1e6;
    }

    private static long at(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
