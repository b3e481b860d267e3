package io.cardroutes.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.Application;
import io.cardroutes.sandbox.EnkashSandbox;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The real bundle (config/application.properties, routes/*.camel.yaml, the sandbox, an H2 file
 * database) started in-process on free ports and private folders, for one test class.
 */
public final class Bundle implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final Path home;
    public final Path inbox;
    public final Path outbox;
    public final Path errorDir;
    public final int httpPort;
    public final int sandboxPort;
    private final Main main;

    private Bundle(Path home, Map<String, String> extra) throws Exception {
        PrivatePlace place = new PrivatePlace(home);
        this.home = place.home;
        inbox = place.inbox;
        outbox = place.outbox;
        errorDir = place.errorDir;
        httpPort = place.httpPort;
        sandboxPort = place.sandboxPort;
        Map<String, String> props = place.properties();
        props.put("camel.main.routes-reload-enabled", "false");
        props.put("app.inbox.poll-ms", "50");
        props.put("app.inbox.read-lock-check-ms", "100");
        props.put("enkash.retry.initial-delay-ms", "20");
        props.put("enkash.retry.max-delay-ms", "200");
        props.put("enkash.reconcile.grace-ms", "100");
        props.putAll(extra);
        main = Application.create();
        props.forEach(main::addOverrideProperty);
        main.start();
    }

    public static Bundle start() throws Exception {
        return start(Map.of());
    }

    public static Bundle start(Map<String, String> overrides) throws Exception {
        return new Bundle(Files.createTempDirectory("bundle-"), overrides);
    }

    /** A bundle on the folders and H2 database of {@code home}: a restart of an earlier bundle there (new ports). */
    public static Bundle startAt(Path home, Map<String, String> overrides) throws Exception {
        return new Bundle(home, overrides);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public EnkashSandbox sandbox() {
        return context().getRegistry().lookupByNameAndType("enkashSandbox", EnkashSandbox.class);
    }

    /** A sandbox with no cards, calls or faults, and a bundle that logs in afresh. */
    public EnkashSandbox freshSandbox() {
        EnkashSandbox sandbox = sandbox();
        sandbox.reset();
        context().getRegistry().lookupByNameAndType("tokenProvider", io.cardroutes.enkash.TokenProvider.class).reset();
        return sandbox;
    }

    /**
     * Writes a file into the inbox the way a careful sender does: elsewhere first, then moved in,
     * and only once an earlier file of the same name has left the inbox (see README, "File channel").
     */
    public Path drop(String name, String content) throws IOException, InterruptedException {
        await(() -> !Files.exists(inbox.resolve(name)), Duration.ofSeconds(30), name + " to leave the inbox");
        Path temp = home.resolve(name + ".part");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        return Files.move(temp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The results file for input file {@code name}, once written (and removes it, so the next drop waits again). */
    public JsonNode awaitResults(String name) throws Exception {
        Path results = outbox.resolve(name + ".results.json");
        await(() -> Files.exists(results), Duration.ofSeconds(60), "results file " + results);
        JsonNode node = JSON.readTree(results.toFile());
        Files.delete(results);
        return node;
    }

    /**
     * The request's row once it has {@code status}: a channel answers as soon as the outcome is known,
     * and its row is committed with the next group of writes, a moment later.
     */
    public Map<String, Object> awaitRow(String requestId, String status) throws Exception {
        await(() -> {
            try {
                Map<String, Object> row = row(requestId);
                return row != null && status.equals(row.get("status"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(10), requestId + " to be " + status + " in the database");
        return row(requestId);
    }

    public Map<String, Object> row(String requestId) throws Exception {
        List<Map<String, Object>> rows = query("select * from card_request where request_id = ?", requestId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    public List<Map<String, Object>> query(String sql, Object... args) throws Exception {
        DataSource ds = context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> rows = new java.util.ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    public static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(25);
        }
    }

    @Override
    public void close() {
        main.stop();
    }
}
