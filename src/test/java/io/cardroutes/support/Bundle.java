package io.cardroutes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
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

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.Application;
import io.cardroutes.sandbox.EnkashSandbox;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real bundle (config/application.properties, routes/*.camel.yaml, the sandbox, an H2 file
 * database) started in-process on free ports and private folders. One test class shares one:
 * <pre>{@code
 * @RegisterExtension
 * static final Bundle bundle = Bundle.forTestClass(Map.of("enkash.http.read-timeout-ms", "1000"));
 * }</pre>
 * starts it before the class's {@code @BeforeAll} methods and stops it after its {@code @AfterAll}
 * methods; a test that starts bundles of its own uses {@link #start} in a try-with-resources.
 */
public final class Bundle implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final Path home;
    public final Path inbox;
    public final Path outbox;
    public final Path errorDir;
    public final int httpPort;
    public final int sandboxPort;
    private final Main main;

    /** Chooses the folders and ports and configures the bundle; {@link #run} starts it. */
    private Bundle(Path home, Map<String, String> extra) throws IOException {
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
    }

    private Bundle run() throws Exception {
        main.start();
        return this;
    }

    public static Bundle start() throws Exception {
        return start(Map.of());
    }

    public static Bundle start(Map<String, String> overrides) throws Exception {
        return new Bundle(Files.createTempDirectory("bundle-"), overrides).run();
    }

    /** A bundle on the folders and H2 database of {@code home}: a restart of an earlier bundle there (new ports). */
    public static Bundle startAt(Path home, Map<String, String> overrides) throws Exception {
        return new Bundle(home, overrides).run();
    }

    /** The bundle of a whole test class, for {@code @RegisterExtension} (see above); not started yet. */
    public static Bundle forTestClass() {
        return forTestClass(Map.of());
    }

    public static Bundle forTestClass(Map<String, String> overrides) {
        try {
            return new Bundle(Files.createTempDirectory("bundle-"), overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        run();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
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
    public Path drop(String name, String content) throws IOException {
        Waiting.await(name + " to leave the inbox").atMost(Duration.ofSeconds(30))
                .until(() -> !Files.exists(inbox.resolve(name)));
        Path temp = home.resolve(name + ".part");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        return Files.move(temp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The results file for input file {@code name}, once written (and removes it, so the next drop waits again). */
    public JsonNode awaitResults(String name) throws Exception {
        Path results = outbox.resolve(name + ".results.json");
        Waiting.await("results file " + results).atMost(Duration.ofSeconds(60)).until(() -> Files.exists(results));
        JsonNode node = JSON.readTree(results.toFile());
        Files.delete(results);
        return node;
    }

    /**
     * The request's row once it has {@code status}: a channel answers as soon as the outcome is known,
     * and its row is committed with the next group of writes, a moment later.
     */
    public Map<String, Object> awaitRow(String requestId, String status) throws Exception {
        return Waiting.await(requestId + " to be " + status + " in the database").atMost(Duration.ofSeconds(10))
                .until(() -> row(requestId), row -> row != null && status.equals(row.get("status")));
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

    /**
     * The wait tests used before Awaitility, kept so that tests written against it still compile: new
     * tests use {@code Waiting.await(what).atMost(timeout).until(...)}, which this now is.
     */
    @Deprecated
    public static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        Waiting.await(what).atMost(timeout).until(condition::getAsBoolean);
    }

    /**
     * Matches once the inbound-file exchange of input file {@code name} is done (its own exchange, not
     * one of its split requests'): the file has been moved to .done or the error folder by then. Create
     * it before dropping the file, then {@code assertThat(done.matches(30, SECONDS)).isTrue()}.
     */
    public NotifyBuilder whenFileDone(String name) {
        return new NotifyBuilder(context()).fromRoute("inbound-file")
                .filter(exchange -> name.equals(exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY))
                        && exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) == null)
                .whenDone(1).create();
    }

    @Override
    public void close() {
        main.stop();
    }
}
