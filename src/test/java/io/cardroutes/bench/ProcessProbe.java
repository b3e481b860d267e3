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
