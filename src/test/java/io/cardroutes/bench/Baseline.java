package io.cardroutes.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The benchmark's baseline: what a hand-written client doing the bundle's job would be, with no
 * integration framework. JDK {@link HttpClient} to EnKash, plain JDBC into an H2 file database of
 * the same table shape (the bundle's own Flyway scripts), the same durable steps per request
 * (claim committed before the call, outcome and batch item committed after it), and the same three
 * ways in, configured by the same environment variables as the bundle:
 * <ul>
 *   <li>file: polls {@code APP_INBOX} for CSV files (taken once {@code APP_INBOX_READ_LOCK_CHECK_MS}
 *       old), a pool of {@code APP_PIPELINE_CONCURRENCY} threads, results file in {@code APP_OUTBOX};</li>
 *   <li>JMS: an embedded Artemis broker set up as the bundle's (persistent NIO journal) on
 *       {@code APP_BROKER_EMBEDDED_PORT}, {@code APP_JMS_CONCURRENT_CONSUMERS} transacted consumers,
 *       outcomes to the results queue;</li>
 *   <li>REST: the JDK HTTP server on {@code APP_HTTP_PORT}, {@code POST /api/v1/cards} with
 *       {@code X-API-Key}, answering 201 with the outcome; {@code /observe/health} says UP.</li>
 * </ul>
 * It does not validate against the JSON Schema, retry, reconcile lost answers or log per request:
 * it is the lower bound a user would compare the bundle with. Bench data only (CSV without quotes).
 */
public final class Baseline {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CREATE_PATH = "/api/v0/partner/enKashCard";

    private final String dbUrl;
    private final String baseUrl;
    private final String partnerId;
    private final String companyId;
    private final String cardAccountId;
    private final HttpClient http;
    private final ThreadLocal<Db> db;
    private volatile String token;

    private Baseline() throws Exception {
        dbUrl = env("APP_DB_URL", "jdbc:h2:file:./data/baseline/cards;WRITE_DELAY=0");
        baseUrl = env("ENKASH_BASE_URL", "http://localhost:8089");
        partnerId = env("ENKASH_PARTNER_ID", "SANDBOX-PARTNER");
        companyId = env("ENKASH_COMPANY_ID", "SANDBOX-COMPANY");
        cardAccountId = env("ENKASH_CARD_ACCOUNT_ID", "SANDBOX-ACCOUNT");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        db = ThreadLocal.withInitial(() -> {
            try {
                return new Db(DriverManager.getConnection(dbUrl, "sa", ""));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        migrate();
        token = fetchToken();
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Baseline baseline = new Baseline();
        baseline.consumeJms(Integer.parseInt(env("APP_BROKER_EMBEDDED_PORT", "61616")),
                Path.of(env("APP_BROKER_DATA_DIR", "data/baseline/broker")),
                Integer.parseInt(env("APP_JMS_CONCURRENT_CONSUMERS", "8")));
        // last: health answers UP once everything listens
        baseline.serveRest(Integer.parseInt(env("APP_HTTP_PORT", "8080")),
                Integer.parseInt(env("BASELINE_REST_THREADS", "64")));
        baseline.pollInbox(Path.of(env("APP_INBOX", "data/inbox")), Path.of(env("APP_OUTBOX", "data/outbox")),
                Long.parseLong(env("APP_INBOX_POLL_MS", "1000")),
                Long.parseLong(env("APP_INBOX_READ_LOCK_CHECK_MS", "1000")),
                Integer.parseInt(env("APP_PIPELINE_CONCURRENCY", "16")));
    }

    // ------------------------------------------------------------------ one request

    record Outcome(String requestId, String status, String enKashCardId, String maskedNumber, String error,
            boolean replay) {
    }

    /** Claim (committed), Create call, outcome and batch item (committed): the bundle's durable steps. */
    Outcome handle(Map<String, ?> raw, String channel, String source, String batchId, int seq) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (v != null && !(v instanceof String s && s.isBlank())) {
                request.put(k, v instanceof String s ? s.trim() : v);
            }
        });
        request.putIfAbsent("companyId", companyId);
        request.putIfAbsent("cardAccountId", cardAccountId);
        String requestId = String.valueOf(request.computeIfAbsent("requestId", k -> UUID.randomUUID().toString()));
        Db d = db.get();
        Instant claimedAt = Instant.now();
        try {
            d.claim.setString(1, requestId);
            d.claim.setString(2, channel);
            d.claim.setString(3, source);
            d.claim.setString(4, (String) request.get("companyId"));
            d.claim.setString(5, (String) request.get("cardAccountId"));
            d.claim.setString(6, JSON.writeValueAsString(request));
            d.claim.setTimestamp(7, Timestamp.from(claimedAt));
            d.claim.setTimestamp(8, Timestamp.from(claimedAt));
            d.claim.executeUpdate();
        } catch (SQLException duplicate) {
            Outcome replay = new Outcome(requestId, "REPLAY", null, null, duplicate.getMessage(), true);
            store(d, replay, batchId, seq);
            return replay;
        }
        Map<String, Object> payload = new LinkedHashMap<>(request);
        payload.remove("requestId");
        String body = JSON.writeValueAsString(payload);
        Outcome outcome;
        try {
            HttpResponse<String> answer = create(body, token);
            if (answer.statusCode() == 401) {
                token = fetchToken();
                answer = create(body, token);
            }
            outcome = read(requestId, answer);
        } catch (IOException e) {
            outcome = new Outcome(requestId, "FAILED", null, null, e.toString(), false);
        }
        store(d, outcome, batchId, seq);
        return outcome;
    }

    private HttpResponse<String> create(String body, String bearer) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + CREATE_PATH))
                .timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + bearer)
                .header("partnerId", partnerId)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Outcome read(String requestId, HttpResponse<String> answer) throws IOException {
        JsonNode node = JSON.readTree(answer.body());
        JsonNode code = node.has("code") ? node.get("code") : node.get("response_code");
        JsonNode card = node.path("payload");
        if (answer.statusCode() == 200 && code != null && code.asInt(-1) == 0 && card.hasNonNull("enKashCardId")) {
            return new Outcome(requestId, "CREATED", card.get("enKashCardId").asText(),
                    card.path("maskedNumber").asText(null), null, false);
        }
        return new Outcome(requestId, answer.statusCode() >= 500 ? "FAILED" : "REJECTED", null, null,
                "HTTP " + answer.statusCode(), false);
    }

    private static void store(Db d, Outcome o, String batchId, int seq) throws SQLException {
        Instant now = Instant.now();
        Connection c = d.connection;
        c.setAutoCommit(false);
        try {
            if (!o.replay()) {
                d.store.setString(1, o.status());
                d.store.setString(2, o.enKashCardId());
                d.store.setString(3, o.maskedNumber());
                d.store.setString(4, o.error());
                d.store.setTimestamp(5, Timestamp.from(now));
                d.store.setString(6, o.requestId());
                d.store.executeUpdate();
            }
            if (batchId != null) {
                d.item.setString(1, batchId);
                d.item.setInt(2, seq);
                d.item.setString(3, o.requestId());
                d.item.setString(4, o.status());
                d.item.setString(5, o.enKashCardId());
                d.item.setString(6, o.maskedNumber());
                d.item.setString(7, o.error());
                d.item.setBoolean(8, o.replay());
                d.item.setTimestamp(9, Timestamp.from(now));
                d.item.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    // ------------------------------------------------------------------ file channel

    private void pollInbox(Path inbox, Path outbox, long pollMs, long minAgeMs, int concurrency) throws Exception {
        Files.createDirectories(inbox.resolve(".done"));
        Files.createDirectories(outbox);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(1000), new ThreadPoolExecutor.CallerRunsPolicy());
        while (true) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(inbox, "*.csv")) {
                for (Path file : files) {
                    if (Files.getLastModifiedTime(file).toMillis() <= System.currentTimeMillis() - minAgeMs) {
                        processFile(file, outbox, pool);
                    }
                }
            }
            Thread.sleep(pollMs);
        }
    }

    private void processFile(Path file, Path outbox, ExecutorService pool) throws Exception {
        String name = file.getFileName().toString();
        String batchId = UUID.randomUUID().toString();
        Connection c = db.get().connection;
        try (PreparedStatement open = c.prepareStatement(
                "insert into card_batch (batch_id, channel, source, status, created_at) values (?, 'FILE', ?, 'OPEN', ?)")) {
            open.setString(1, batchId);
            open.setString(2, name);
            open.setTimestamp(3, Timestamp.from(Instant.now()));
            open.executeUpdate();
        }
        Phaser inFlight = new Phaser(1);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String[] header = in.readLine().split(",", -1);
            String line;
            int seq = 0;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length && i < cells.length; i++) {
                    row.put(header[i].trim(), cells[i]);
                }
                int mySeq = seq++;
                inFlight.register();
                pool.execute(() -> {
                    try {
                        handle(row, "FILE", name, batchId, mySeq);
                    } catch (Exception e) {
                        System.err.println("baseline: request " + row.get("requestId") + " failed: " + e);
                    } finally {
                        inFlight.arriveAndDeregister();
                    }
                });
            }
        }
        inFlight.arriveAndAwaitAdvance();
        try (PreparedStatement close = c.prepareStatement("update card_batch set status = 'DONE', completed_at = ?, "
                + "total = (select count(*) from card_batch_item i where i.batch_id = ?) where batch_id = ?")) {
            close.setTimestamp(1, Timestamp.from(Instant.now()));
            close.setString(2, batchId);
            close.setString(3, batchId);
            close.executeUpdate();
        }
        writeResults(c, batchId, outbox.resolve(name + ".results.json"));
        Files.move(file, file.resolveSibling(".done").resolve(name + "-" + System.currentTimeMillis()),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writeResults(Connection c, String batchId, Path target) throws Exception {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try (PreparedStatement ps = c.prepareStatement("select request_id, status, enkash_card_id, masked_number, "
                + "error, replay from card_batch_item where batch_id = ? order by seq")) {
            ps.setString(1, batchId);
            ps.setFetchSize(500);
            try (ResultSet rs = ps.executeQuery(); OutputStream out = Files.newOutputStream(temp);
                 JsonGenerator json = JSON.getFactory().createGenerator(out).useDefaultPrettyPrinter()) {
                json.writeStartArray();
                while (rs.next()) {
                    json.writeStartObject();
                    json.writeStringField("requestId", rs.getString(1));
                    json.writeStringField("status", rs.getString(2));
                    json.writeStringField("enKashCardId", rs.getString(3));
                    json.writeStringField("maskedNumber", rs.getString(4));
                    json.writeStringField("error", rs.getString(5));
                    json.writeBooleanField("replay", rs.getBoolean(6));
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    // ------------------------------------------------------------------ JMS channel

    private void consumeJms(int port, Path dataDir, int consumers) throws Exception {
        String requests = env("APP_JMS_REQUESTS_QUEUE", "enkash.cards.requests");
        String results = env("APP_JMS_RESULTS_QUEUE", "enkash.cards.results");
        String dlq = env("APP_JMS_DLQ", "enkash.cards.dlq");
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("baseline-broker");
        config.setPersistenceEnabled(true);
        config.setJournalType(JournalType.NIO);
        config.setJournalDirectory(dataDir.resolve("journal").toString());
        config.setBindingsDirectory(dataDir.resolve("bindings").toString());
        config.setPagingDirectory(dataDir.resolve("paging").toString());
        config.setLargeMessagesDirectory(dataDir.resolve("large-messages").toString());
        config.setNodeManagerLockDirectory(dataDir.toString());
        config.setSecurityEnabled(false);
        config.setJMXManagementEnabled(false);
        config.addAcceptorConfiguration("baseline", "tcp://localhost:" + port + "?protocols=CORE;useEpoll=false");
        config.addAddressSetting("#", new AddressSettings().setDeadLetterAddress(SimpleString.of(dlq))
                .setMaxDeliveryAttempts(5).setRedeliveryDelay(1000));
        for (String queue : List.of(requests, results, dlq)) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        jakarta.jms.Connection connection =
                new ActiveMQConnectionFactory("tcp://localhost:" + port + "?useEpoll=false").createConnection();
        connection.start();
        for (int i = 0; i < consumers; i++) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue in = session.createQueue(requests);
            Queue out = session.createQueue(results);
            MessageConsumer consumer = session.createConsumer(in);
            MessageProducer producer = session.createProducer(out);
            Thread worker = new Thread(() -> consumeLoop(session, consumer, producer), "baseline-jms-" + i);
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void consumeLoop(Session session, MessageConsumer consumer, MessageProducer producer) {
        while (true) {
            try {
                Message message = consumer.receive(1000);
                if (message == null) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> request = JSON.readValue(((TextMessage) message).getText(), Map.class);
                Outcome outcome = handle(request, "JMS", "queue", null, 0);
                TextMessage reply = session.createTextMessage(JSON.writeValueAsString(outcome));
                reply.setJMSCorrelationID(message.getJMSMessageID());
                producer.send(reply);
                session.commit();
            } catch (Exception e) {
                System.err.println("baseline: JMS message failed: " + e);
                try {
                    session.rollback();
                } catch (JMSException ignored) {
                    // the next receive will tell
                }
            }
        }
    }

    // ------------------------------------------------------------------ REST channel

    private void serveRest(int port, int threads) throws IOException {
        Set<String> keys = Set.of(env("APP_API_KEYS", "demo-key").split(","));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.createContext("/observe/health", ex -> answer(ex, 200, "{\"status\":\"UP\"}"));
        server.createContext("/api/v1/cards", ex -> {
            try (InputStream body = ex.getRequestBody()) {
                if (!"POST".equals(ex.getRequestMethod())) {
                    answer(ex, 405, "{}");
                } else if (!keys.contains(String.valueOf(ex.getRequestHeaders().getFirst("X-API-Key")))) {
                    answer(ex, 401, "{\"status\":401}");
                } else {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> request = JSON.readValue(body.readAllBytes(), Map.class);
                    Outcome outcome = handle(request, "REST", "api", null, 0);
                    answer(ex, "CREATED".equals(outcome.status()) ? 201 : 422, JSON.writeValueAsString(outcome));
                }
            } catch (Exception e) {
                answer(ex, 500, "{\"status\":500}");
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.start();
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ------------------------------------------------------------------ plumbing

    private String fetchToken() throws Exception {
        String tokenUrl = env("ENKASH_TOKEN_URL", baseUrl + "/oauth/token");
        String clientId = env("ENKASH_CLIENT_ID", "sandbox-client");
        String basic = Base64.getEncoder().encodeToString(
                (clientId + ":" + env("ENKASH_CLIENT_SECRET", "sandbox-secret")).getBytes(StandardCharsets.UTF_8));
        String form = "username=" + env("ENKASH_USERNAME", "9999999999") + "&password="
                + env("ENKASH_PASSWORD", "sandbox-password") + "&grant_type=password&clientId=" + clientId;
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(tokenUrl))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("token call answered HTTP " + answer.statusCode());
        }
        return JSON.readTree(answer.body()).get("access_token").asText();
    }

    /** The bundle's own Flyway scripts, so both write the same table shape. */
    private void migrate() throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl, "sa", ""); Statement st = c.createStatement()) {
            try (ResultSet rs = c.getMetaData().getTables(null, null, "CARD_REQUEST", null)) {
                if (rs.next()) {
                    return;
                }
            }
            for (String script : List.of("db/migration/V1__card_requests.sql", "db/migration/V2__reconciliation.sql")) {
                String sql;
                try (InputStream in = Baseline.class.getClassLoader().getResourceAsStream(script)) {
                    sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                StringBuilder text = new StringBuilder();
                for (String line : sql.split("\n")) {
                    if (!line.strip().startsWith("--")) {
                        text.append(line).append('\n');
                    }
                }
                for (String statement : text.toString().split(";")) {
                    if (!statement.isBlank()) {
                        st.execute(statement);
                    }
                }
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    /** One worker thread's connection and statements. */
    private static final class Db {
        final Connection connection;
        final PreparedStatement claim;
        final PreparedStatement store;
        final PreparedStatement item;

        Db(Connection connection) throws SQLException {
            this.connection = connection;
            this.claim = connection.prepareStatement("insert into card_request (request_id, channel, source, status, "
                    + "company_id, card_account_id, request_json, attempts, created_at, updated_at) "
                    + "values (?, ?, ?, 'SENDING', ?, ?, ?, 1, ?, ?)");
            this.store = connection.prepareStatement("update card_request set status = ?, enkash_card_id = ?, "
                    + "masked_number = ?, error = ?, updated_at = ? where request_id = ?");
            this.item = connection.prepareStatement("insert into card_batch_item (batch_id, seq, request_id, status, "
                    + "enkash_card_id, masked_number, error, replay, recorded_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        }
    }
}
