package io.cardroutes.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What one process under test costs, read from outside it so the figures include everything the
 * JVM does: CPU seconds (utime + stime of every thread, /proc/PID/stat), peak resident set
 * (VmHWM, /proc/PID/status, reset per scenario through clear_refs) and heap (a {@code jstat -gc}
 * child sampling every 250 ms from the JVM's perf-data, which costs the target nothing).
 */
final class ProcessProbe implements AutoCloseable {

    private static final double TICKS_PER_SECOND = 100.0; // getconf CLK_TCK on Linux/x86-64

    private final long pid;
    private final Process jstat;
    private final Thread reader;
    private volatile long heapUsedMaxKb;
    private volatile long heapCommittedMaxKb;
    private volatile long oldUsedMaxKb;
    private volatile long heapUsedKb;
    private volatile double gcSeconds;
    private volatile double gcSecondsAtMark;
    private volatile int fullGcs;
    private volatile int fullGcsAtMark;

    ProcessProbe(long pid) throws IOException {
        this.pid = pid;
        this.jstat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
                "-J-Xmx32m", "-J-XX:TieredStopAtLevel=1", "-gc", Long.toString(pid), "250")
                .redirectErrorStream(true).start();
        this.reader = new Thread(this::readJstat, "jstat-" + pid);
        reader.setDaemon(true);
        reader.start();
    }

    private void readJstat() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
            String[] header = null;
            String line;
            while ((line = in.readLine()) != null) {
                String[] cells = line.trim().split("\\s+");
                if (cells.length > 0 && cells[0].equals("S0C")) {
                    header = cells;
                    continue;
                }
                if (header == null || cells.length != header.length) {
                    continue;
                }
                Map<String, Double> row = new HashMap<>();
                try {
                    for (int i = 0; i < header.length; i++) {
                        row.put(header[i], cells[i].equals("-") ? 0.0 : Double.parseDouble(cells[i]));
                    }
                } catch (NumberFormatException e) {
                    continue;
                }
                long used = (long) (row.get("S0U") + row.get("S1U") + row.get("EU") + row.get("OU"));
                long committed = (long) (row.get("S0C") + row.get("S1C") + row.get("EC") + row.get("OC"));
                heapUsedMaxKb = Math.max(heapUsedMaxKb, used);
                heapCommittedMaxKb = Math.max(heapCommittedMaxKb, committed);
                oldUsedMaxKb = Math.max(oldUsedMaxKb, row.get("OU").longValue());
                heapUsedKb = used;
                gcSeconds = row.get("GCT");
                fullGcs = row.get("FGC").intValue();
            }
        } catch (IOException e) {
            // the target ended
        }
    }

    /** Starts a measurement window: peak RSS and heap maxima are forgotten. */
    void mark() {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
        } catch (IOException e) {
            // peak RSS then covers the process's whole life; reported as such
        }
        heapUsedMaxKb = 0;
        heapCommittedMaxKb = 0;
        oldUsedMaxKb = 0;
        gcSecondsAtMark = gcSeconds;
        fullGcsAtMark = fullGcs;
    }

    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, utime 14, stime 15 -> indexes 11 and 12 here
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** Busy CPU seconds of the whole machine since boot ({@code /proc/stat}: all but idle and iowait), [0]. */
    static double[] machineCpu() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(cpu.length, 9); i++) {
            total += Long.parseLong(cpu[i]);
        }
        long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
        return new double[] {(total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
    }

    /** CPU seconds per thread id, with the thread's name: {@code /proc/PID/task/TID/stat}. */
    Map<Long, Map.Entry<String, Double>> threadCpu() {
        Map<Long, Map.Entry<String, Double>> threads = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                    threads.put(Long.parseLong(task.getFileName().toString()), Map.entry(name, cpu));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return threads;
    }

    /** CPU seconds by thread group (names with digits folded) between two {@link #threadCpu} snapshots. */
    static Map<String, Double> threadGroups(Map<Long, Map.Entry<String, Double>> before,
            Map<Long, Map.Entry<String, Double>> after) {
        Map<String, Double> groups = new HashMap<>();
        after.forEach((tid, now) -> {
            Map.Entry<String, Double> then = before.get(tid);
            double used = now.getValue() - (then == null ? 0 : then.getValue());
            if (used > 0) {
                groups.merge(group(now.getKey()), used, Double::sum);
            }
        });
        return groups;
    }

    /** Linux keeps 15 characters of a thread's name: enough to tell JIT, GC, Camel, Vert.x and Artemis apart. */
    private static String group(String thread) {
        String t = thread.replaceAll("\\d+", "#");
        if (t.startsWith("C# Compiler")) {
            return "JIT compiler";
        }
        if (t.startsWith("GC Thread") || t.startsWith("G# ")) {
            return "GC";
        }
        if (t.startsWith("Camel (")) {
            return "Camel threads";
        }
        if (t.startsWith("vert.x")) {
            return "Vert.x";
        }
        if (t.contains("(Activ") || t.contains("(activ") || t.startsWith("ActiveMQ") || t.startsWith("Thread-# (")) {
            return "Artemis";
        }
        if (t.startsWith("pool-#-thread")) {
            return "pool threads";
        }
        if (t.startsWith("HttpClient")) {
            return "JDK HttpClient";
        }
        return t;
    }

    long peakRssKb() throws IOException {
        return status("VmHWM:");
    }

    long rssKb() throws IOException {
        return status("VmRSS:");
    }

    private long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    long heapUsedMaxKb() {
        return heapUsedMaxKb;
    }

    long heapCommittedMaxKb() {
        return heapCommittedMaxKb;
    }

    /** The old generation's peak occupancy since the mark: the live set plus garbage not yet collected there. */
    long oldUsedMaxKb() {
        return oldUsedMaxKb;
    }

    /**
     * The heap still in use after a full collection ({@code jcmd PID GC.run}): what the process holds, not
     * what its collector has let accumulate; -1 when no full collection was seen within 10 s.
     */
    long liveHeapKb() throws IOException, InterruptedException {
        int before = fullGcs;
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                "-J-Xmx32m", Long.toString(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        jcmd.waitFor();
        for (int i = 0; i < 40 && fullGcs == before; i++) {
            Thread.sleep(250);
        }
        if (fullGcs == before) {
            return -1;
        }
        Thread.sleep(300); // the first sample after it, before the program allocates much again
        return heapUsedKb;
    }

    double gcSecondsSinceMark() {
        return gcSeconds - gcSecondsAtMark;
    }

    int fullGcsSinceMark() {
        return fullGcs - fullGcsAtMark;
    }

    @Override
    public void close() {
        jstat.destroy();
    }
}
