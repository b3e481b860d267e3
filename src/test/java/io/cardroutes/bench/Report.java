package io.cardroutes.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.cardroutes.bench.Scenarios.Measure;

/** The benchmark's table (Markdown) and its data (JSON), bundle beside baseline with their ratio. */
final class Report {

    private final Map<String, Object> header;
    private final List<Map<String, Object>> startups;
    private final List<Measure> measures;

    Report(Map<String, Object> header, List<Map<String, Object>> startups, List<Measure> measures) {
        this.header = header;
        this.startups = startups;
        this.measures = measures;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("### Benchmark ").append(header.get("date")).append("\n\n");
        md.append(String.format("Machine `%s`: %s cores (%s), %s MB RAM, %s; Java %s. Load average %s before, %s after"
                        + " (the machine is shared: figures are noisy). Commit %s. Bench took %s s.%n%n",
                header.get("host"), header.get("cores"), header.get("cpu"), header.get("memoryMb"), header.get("os"),
                header.get("java"), header.get("loadAverageBefore"), header.get("loadAverageAfter"),
                header.get("commit"), header.get("benchSeconds")));
        if (!startups.isEmpty()) {
            md.append("Time from `java -jar` to health UP: ");
            List<String> parts = new ArrayList<>();
            for (Map<String, Object> s : startups) {
                parts.add(String.format(Locale.ROOT, "%s %.1f s (%s)", s.get("target"), (Double) s.get("seconds"),
                        s.get("how")));
            }
            md.append(String.join(", ", parts)).append(".\n\n");
        }
        md.append("| scenario | EnKash latency | concurrency | program | requests | OK | wall s | req/s | p50 ms | p95 ms "
                + "| p99 ms | CPU s / 1k req | JIT share of CPU | peak RSS MB | peak heap MB | GC s | concurrency bound (x bound) "
                + "| other load (cores) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Measure m : measures) {
            if (!m.target.equals("bundle")) {
                continue;
            }
            Optional<Measure> base = measures.stream().filter(b -> b.target.equals("baseline")
                    && b.scenario.equals(m.scenario) && b.latencyMs == m.latencyMs).findFirst();
            row(md, m);
            base.ifPresent(b -> {
                row(md, b);
                md.append(String.format(Locale.ROOT, "| | | | **bundle / baseline** | | | %s | **%s** | %s | %s | %s | %s | | %s | %s | | | |%n",
                        ratio(m.elapsedS, b.elapsedS), ratio(m.requestsPerS, b.requestsPerS), ratio(m.p50Ms, b.p50Ms),
                        ratio(m.p95Ms, b.p95Ms), ratio(m.p99Ms, b.p99Ms), ratio(m.cpuSPer1000, b.cpuSPer1000),
                        ratio(m.peakRssMb, b.peakRssMb), ratio(m.heapUsedPeakMb, b.heapUsedPeakMb)));
            });
        }
        md.append("\nLatency: file, JMS and memory rows are claim-to-outcome times per request from the database "
                + "(`card_request.created_at` to `updated_at`); REST rows are client round trips. CPU, peak RSS (VmHWM, "
                + "reset per scenario) and heap (`jstat -gc`, sampled every 250 ms) are the program's own process. "
                + "\"concurrency bound\" is requests x latency / concurrency, the least time EnKash's latency allows at that "
                + "concurrency (REST, time-boxed: the most requests per second, concurrency / latency); \"x bound\" is the time "
                + "taken over it, 1.0 meaning EnKash's latency is the only limit. \"JIT share\" is the part of the program's CPU "
                + "spent by its JIT compiler threads: high while the JVM is still warming up. \"other load\" is CPU "
                + "used during the scenario by processes other than the program and the driver (load generator + sandbox).\n");
        md.append("\n").append(targets()).append("\n");
        return md.toString();
    }

    private String targets() {
        StringBuilder t = new StringBuilder("| target | measured | met |\n|---|---|---|\n");
        // issue #15's goals, each a ratio of the same run (the machine's noise cancels out)
        ratioGoal(t, "file-first", 0, "file, 0 ms, first file after the start: >= 0.8 x baseline", 0.8);
        ratioGoal(t, "file", 0, "file, 0 ms, warm: >= 1.0 x baseline", 1.0);
        ratioGoal(t, "jms", 0, "JMS, 0 ms: >= 0.8 x baseline (same message count)", 0.8);
        find("bundle", "rest", 0).ifPresent(m -> find("baseline", "rest", 0).ifPresent(b -> t.append(String.format(
                Locale.ROOT, "| REST, 0 ms, concurrency %d: >= 1.2 x baseline, p99 no worse | %.2f x, p99 %.0f ms vs %.0f ms | %s |%n",
                m.concurrency, m.requestsPerS / b.requestsPerS, m.p99Ms, b.p99Ms,
                met(m.requestsPerS >= 1.2 * b.requestsPerS && m.p99Ms <= b.p99Ms)))));
        find("bundle", "file", 50).ifPresent(m -> {
            double x = xBound(m);
            t.append(String.format(Locale.ROOT, "| file, 50 ms: within 1.1 x the concurrency bound | %.2f x (%.1f ms per "
                    + "request outside EnKash) | %s |%n", x, (x - 1) * m.latencyMs, met(x <= 1.1)));
        });
        List<Double> starts = startups.stream().filter(s -> s.get("target").equals("bundle")
                        && !((String) s.get("how")).startsWith("bin/"))
                .map(s -> (Double) s.get("seconds")).sorted().toList();
        startups.stream().filter(s -> s.get("how").equals("default profile")).findFirst().ifPresent(s ->
                t.append(String.format(Locale.ROOT, "| `java -jar` on Java 17 to health UP < 6 s (default profile) | %.1f s "
                        + "(median of all %d bundle starts in this run: %.1f s) | %s |%n", (Double) s.get("seconds"),
                        starts.size(), starts.get(starts.size() / 2), met((Double) s.get("seconds") < 6))));
        startups.stream().filter(s -> ((String) s.get("how")).contains("with its")).forEach(s ->
                t.append(String.format(Locale.ROOT, "| `%s` to health UP < 3 s "
                        + "| %.1f s | %s |%n", s.get("how"), (Double) s.get("seconds"), met((Double) s.get("seconds") < 3))));
        find("bundle", "memory", 0).ifPresent(m -> t.append(String.format(Locale.ROOT,
                "| %d-line CSV with -Xmx256m, heap peak < 200 MB | %s, %d CREATED, heap peak %.0f MB (old generation"
                        + " peak %.0f MB, %.0f MB in use after a full GC once done) | %s |%n",
                m.requests, m.completed ? "completed" : "not finished (" + m.note + ")", m.ok, m.heapUsedPeakMb,
                m.heapOldPeakMb, m.heapLiveAfterMb,
                met(m.completed && m.ok == m.requests && m.heapUsedPeakMb < 200))));
        return t.toString();
    }

    private void ratioGoal(StringBuilder t, String scenario, long latency, String goal, double least) {
        find("bundle", scenario, latency).ifPresent(m -> find("baseline", scenario, latency).ifPresent(b -> {
            double ratio = m.requestsPerS / b.requestsPerS;
            t.append(String.format(Locale.ROOT, "| %s | %.0f vs %.0f req/s over %d requests: %.2f x | %s |%n",
                    goal, m.requestsPerS, b.requestsPerS, m.requests, ratio, met(ratio >= least && m.requests == b.requests)));
        }));
    }

    static double xBound(Measure m) {
        if (m.latencyMs <= 0) {
            return Double.NaN;
        }
        // how far below the rate the concurrency allows: (concurrency / latency) / achieved rate
        return (m.concurrency * 1000.0 / m.latencyMs) / m.requestsPerS;
    }

    private Optional<Measure> find(String target, String scenario, long latency) {
        return measures.stream().filter(m -> m.target.equals(target) && m.scenario.equals(scenario)
                && m.latencyMs == latency).findFirst();
    }

    private static String met(boolean yes) {
        return yes ? "yes" : "**no**";
    }

    private static void row(StringBuilder md, Measure m) {
        md.append(String.format(Locale.ROOT, "| %s | %d ms | %d | %s | %s | %d | %.1f | %.0f | %s | %s | %s | %.2f | %s | %.0f | %.0f | %.2f | %s | %.2f |%n",
                m.scenario + (m.note.isEmpty() || !m.scenario.equals("memory") ? "" : " (" + m.note + ")"),
                m.latencyMs, m.concurrency, m.target, requestsCell(m), m.ok,
                m.elapsedS, m.requestsPerS, ms(m.p50Ms), ms(m.p95Ms), ms(m.p99Ms), m.cpuSPer1000, jitShare(m), m.peakRssMb,
                m.heapUsedPeakMb, m.gcS, bound(m), m.elapsedS > 0 ? m.otherCpuS / m.elapsedS : 0.0));
    }

    private static String jitShare(Measure m) {
        Double jit = m.threadCpuS.get("JIT compiler");
        return jit == null || !(m.cpuS > 0) ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * jit / m.cpuS);
    }

    /** requests x latency / concurrency in seconds (REST: the rate concurrency / latency), and how far off it. */
    private static String bound(Measure m) {
        if (m.latencyMs <= 0) {
            return "";
        }
        String limit = m.scenario.equals("rest")
                ? String.format(Locale.ROOT, "%.0f req/s", m.concurrency * 1000.0 / m.latencyMs)
                : String.format(Locale.ROOT, "%.1f s", m.processed * m.latencyMs / 1000.0 / m.concurrency);
        return String.format(Locale.ROOT, "%s (%.2f x)", limit, xBound(m));
    }

    private static String requestsCell(Measure m) {
        String cell = m.completed ? String.valueOf(m.requests) : m.processed + " of " + m.requests + " ("
                + m.note.replaceFirst(".*(cut after \\d+ s).*", "$1") + ")";
        if (m.asked > m.requests) {
            cell += " [" + m.asked + " asked; sized to the budget]";
        }
        return cell;
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, v < 10 ? "%.1f" : "%.0f", v);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", header);
        root.put("startup", startups);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Measure m : measures) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("scenario", m.scenario);
            r.put("program", m.target);
            r.put("enkashLatencyMs", m.latencyMs);
            r.put("concurrency", m.concurrency);
            r.put("requestsAsked", m.asked);
            r.put("requests", m.requests);
            r.put("processed", m.processed);
            r.put("ok", m.ok);
            r.put("errors", m.errors);
            r.put("statuses", m.statuses);
            r.put("completed", m.completed);
            r.put("wallSeconds", num(m.elapsedS));
            r.put("requestsPerSecond", num(m.requestsPerS));
            r.put("latencySource", m.latencySource);
            r.put("p50Ms", num(m.p50Ms));
            r.put("p95Ms", num(m.p95Ms));
            r.put("p99Ms", num(m.p99Ms));
            r.put("cpuSeconds", num(m.cpuS));
            r.put("cpuSecondsPer1000Requests", num(m.cpuSPer1000));
            r.put("peakRssMb", num(m.peakRssMb));
            r.put("heapUsedPeakMb", num(m.heapUsedPeakMb));
            r.put("heapCommittedPeakMb", num(m.heapCommittedPeakMb));
            r.put("heapOldGenerationPeakMb", num(m.heapOldPeakMb));
            r.put("heapLiveAfterFullGcMb", num(m.heapLiveAfterMb));
            r.put("gcSeconds", num(m.gcS));
            r.put("fullGcs", m.fullGcs);
            r.put("concurrencyBoundSeconds", m.latencyMs <= 0 || m.scenario.equals("rest") ? null
                    : num(m.processed * m.latencyMs / 1000.0 / m.concurrency));
            r.put("timesConcurrencyBound", num(xBound(m)));
            r.put("driverCpuSeconds", num(m.driverCpuS));
            r.put("otherProcessesCpuSeconds", num(m.otherCpuS));
            r.put("cpuSecondsByThreadGroup", m.threadCpuS);
            r.put("databaseFolderMbAfterPhase", num(m.dbFolderMb));
            r.put("note", m.note);
            rows.add(r);
        }
        root.put("scenarios", rows);
        return root;
    }

    private static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : Math.round(v * 1000) / 1000.0;
    }
}
