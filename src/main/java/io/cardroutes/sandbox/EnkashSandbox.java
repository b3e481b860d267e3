package io.cardroutes.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cardroutes.enkash.PayloadCipher;

/**
 * In-process HTTP simulator of the EnKash card API (OAuth password grant, card Create, card search),
 * served on loopback by the JDK's HTTP server with a fixed pool of worker threads.
 *
 * <p>Create calls are checked in the order EnKash's gateway and application would: bearer token,
 * {@code partnerId} header, content type, encryption envelope, JSON body validation. A call that passes
 * these checks takes the next queued Create {@link Fault} (if any), otherwise a random 503/429 by the
 * configured shares, otherwise it is refused for an empty card account or creates the card. The
 * configured latency is added to every Create and search answer.
 *
 * <p>Search calls pass the same checks plus required {@code companyId}/{@code cardAccountId}, then take
 * the next queued search fault (if any). A list answer names at most
 * {@link SandboxSettings#searchPageSize()} cards while its {@code recordsCount} counts them all.
 *
 * <p>Cards from before (issued by hand, by another programme) are seeded with
 * {@link #seedCard(Map, Instant)} or {@link SandboxSettings#existingCardMobiles()}: they are listed and
 * counted by {@link #cardsFor(String)} like any card, but are no Create call.
 *
 * <p>When encryption is enabled, every Create/search answer body is wrapped with
 * {@link PayloadCipher#wrap(String)} (save the bodies an unreadable or truncated fault sends as they are);
 * the token endpoint is never encrypted.
 *
 * <p>Only method, path and status are logged (DEBUG); never credentials, tokens or bodies.
 */
public final class EnkashSandbox implements Service {

    public static final String TOKEN_PATH = "/oauth/token";
    public static final String CREATE_PATH = "/api/v0/partner/enKashCard";
    public static final String SEARCH_PATH = "/api/v0/partner/enKashCard/search";

    /** Consecutive failed logins after which the account is locked. */
    public static final int LOCKOUT_THRESHOLD = 3;

    private static final Logger LOG = LoggerFactory.getLogger(EnkashSandbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EMAIL = Pattern.compile("^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$");
    private static final Pattern MOBILE = Pattern.compile("^[0-9]{10}$");
    private static final String[] ECHOED_FIELDS =
            {"companyId", "cardAccountId", "userId", "firstName", "lastName", "mobile", "email"};
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final AtomicInteger SERVER_NUMBER = new AtomicInteger();

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle plus delayed
        // ACKs add ~40 ms to keep-alive exchanges. Read once when the JDK's server config loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final SandboxSettings settings;
    private final Clock clock;
    private final PayloadCipher cipher;
    private final byte[] clientIdBytes;
    private final byte[] clientSecretBytes;
    private final byte[] usernameBytes;
    private final byte[] passwordBytes;

    private final ConcurrentHashMap<String, Instant> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger consecutiveFailedLogins = new AtomicInteger();
    private final Object loginCount = new Object();
    private int longestFailedLoginRun;
    private int failedLogins;
    private final ConcurrentLinkedQueue<Fault> tokenFaults = new ConcurrentLinkedQueue<>();
    private final AtomicInteger tokenCalls = new AtomicInteger();
    private final AtomicInteger rejectedTokenCalls = new AtomicInteger();
    private final AtomicInteger createCalls = new AtomicInteger();
    private final AtomicInteger createsInProgress = new AtomicInteger();
    private final AtomicInteger peakCreatesInProgress = new AtomicInteger();
    private final AtomicInteger searchCalls = new AtomicInteger();
    private final FaultQueue faults = new FaultQueue(false);
    private final FaultQueue searchFaults = new FaultQueue(true);
    private final ConcurrentLinkedQueue<ObjectNode> cardsInOrder = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<String, ObjectNode> cardsById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> cardsPerMobile = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> createdCardsPerMobile = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, RecordedCall> recordedCalls = new ConcurrentSkipListMap<>();
    private final AtomicLong callSequence = new AtomicLong();
    private final AtomicLong cardSequence;
    private final UnreadableBodies unreadable;

    private HttpServer server;
    private ExecutorService executor;
    private volatile int boundPort;

    public EnkashSandbox(SandboxSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cipher = settings.encryptionEnabled() ? new PayloadCipher(settings.encryptionSecretKey()) : null;
        this.clientIdBytes = bytes(settings.clientId());
        this.clientSecretBytes = bytes(settings.clientSecret());
        this.usernameBytes = bytes(settings.username());
        this.passwordBytes = bytes(settings.password());
        // 12-digit card numbers, never reused across reset()
        this.cardSequence = new AtomicLong(100_000_000_000L + ThreadLocalRandom.current().nextLong(100_000_000_000L));
        this.boundPort = settings.port();
        this.unreadable = new UnreadableBodies(settings.encryptionEnabled() ? settings.encryptionSecretKey() : null);
        configuredFaultsAndCards();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        int number = SERVER_NUMBER.incrementAndGet();
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "enkash-sandbox-" + number + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), factory);
        try {
            HttpServer created = HttpServer.create(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 1024);
            created.createContext("/", this::handle);
            created.setExecutor(pool);
            created.start();
            server = created;
            executor = pool;
            boundPort = created.getAddress().getPort();
            LOG.info("EnKash sandbox listening on http://{}:{} ({} threads, encryption {})",
                    created.getAddress().getHostString(), boundPort, settings.threads(),
                    settings.encryptionEnabled() ? "on" : "off");
        } catch (IOException e) {
            pool.shutdownNow();
            throw new IllegalStateException("EnKash sandbox could not listen on port " + settings.port(), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
        executor = null;
        LOG.info("EnKash sandbox on port {} stopped", boundPort);
    }

    @Override
    public void close() {
        stop();
    }

    /** The port the sandbox listens on (the chosen free port when settings.port() is 0). */
    public int port() {
        return boundPort;
    }

    /** http://127.0.0.1:port (or the loopback address of this host). */
    public String baseUrl() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
    }

    public SandboxSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ test controls

    /**
     * Faults applied to the next Create calls that pass the request checks, in order, one per call.
     *
     * @throws IllegalArgumentException for a fault that is not a Create fault (a partial listing)
     */
    public void enqueue(Fault... more) {
        for (Fault fault : more) {
            faults.add(fault);
        }
    }

    /**
     * Faults applied to the next search calls that pass the request checks (token, partnerId, content
     * type, envelope, companyId and cardAccountId), in order, one per call.
     *
     * @throws IllegalArgumentException for a fault that is not a search fault (e.g. answer lost, stall)
     */
    public void enqueueSearch(Fault... more) {
        for (Fault fault : more) {
            searchFaults.add(fault);
        }
    }

    /**
     * Stores a card as if EnKash had issued it earlier (by hand, for another programme): the shape of a
     * created card with this {@code createdDate} (none when null), listed by search and counted by {@link #cards()} and
     * {@link #cardsFor(String)}, but not by {@link #createCalls()}, {@link #createCallsReceived()} or
     * {@link #cardsCreatedFor(String)}.
     *
     * @param fields the echoed fields: companyId and cardAccountId required; userId, firstName, lastName,
     *               mobile, email, physicalCard optional (mobile and email must pass Create's rules)
     * @return the card's enKashCardId
     */
    public String seedCard(Map<String, Object> fields, Instant createdDate) {
        ObjectNode request = JSON.valueToTree(Objects.requireNonNull(fields, "fields"));
        String invalid = validateCreate(request);
        if (invalid != null) {
            throw new IllegalArgumentException("not a card EnKash would have issued: " + invalid);
        }
        return storeCard(request, createdDate, false).path("enKashCardId").asText();
    }

    /**
     * Faults applied to the next token calls, in order, one per call, before any check:
     * {@link Fault#status}, {@link Fault#tokenWithoutAccessToken()}, {@link Fault#tokenNotJson()}.
     * Each is a failed login, counted towards the lockout like any other.
     */
    public void enqueueToken(Fault... more) {
        for (Fault fault : more) {
            if (fault.kind() != Fault.Kind.STATUS && fault.kind() != Fault.Kind.TOKEN_WITHOUT_ACCESS_TOKEN
                    && fault.kind() != Fault.Kind.TOKEN_NOT_JSON) {
                throw new IllegalArgumentException(fault + " is not a token fault");
            }
            tokenFaults.add(fault);
        }
    }

    /** The most failed logins in a row (for the configured client id) seen since start or reset. */
    public int longestFailedLoginRun() {
        synchronized (loginCount) {
            return longestFailedLoginRun;
        }
    }

    /** Token calls answered without a usable token, whichever client they named. */
    public int failedLogins() {
        synchronized (loginCount) {
            return failedLogins;
        }
    }

    /** Every token issued so far is expired from now on. */
    public void expireAllTokens() {
        tokens.replaceAll((token, expiry) -> Instant.MIN);
    }

    /**
     * Forgets cards, counters, tokens, queued faults, recorded calls and the account lockout, then
     * queues the configured faults and seeds the configured cards from before again, as at start.
     */
    public void reset() {
        faults.clear();
        searchFaults.clear();
        tokens.clear();
        consecutiveFailedLogins.set(0);
        tokenFaults.clear();
        synchronized (loginCount) {
            longestFailedLoginRun = 0;
            failedLogins = 0;
        }
        tokenCalls.set(0);
        rejectedTokenCalls.set(0);
        createCalls.set(0);
        peakCreatesInProgress.set(0);
        searchCalls.set(0);
        cardsInOrder.clear();
        cardsById.clear();
        cardsPerMobile.clear();
        createdCardsPerMobile.clear();
        recordedCalls.clear();
        configuredFaultsAndCards();
    }

    /** The faults and cards from before that the settings ask for, the cards dated a day before now. */
    private void configuredFaultsAndCards() {
        faults.addAll(settings.createFaults());
        searchFaults.addAll(settings.searchFaults());
        Instant dayBefore = clock.instant().minus(1, ChronoUnit.DAYS);
        for (String mobile : settings.existingCardMobiles()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("companyId", settings.existingCardCompanyId());
            fields.put("cardAccountId", settings.existingCardAccountId());
            fields.put("mobile", mobile);
            try {
                seedCard(fields, dayBefore);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("existing card mobile '" + mobile + "': " + bad.getMessage(), bad);
            }
        }
    }

    public int tokenCalls() {
        return tokenCalls.get();
    }

    public int rejectedTokenCalls() {
        return rejectedTokenCalls.get();
    }

    public int createCalls() {
        return createCalls.get();
    }

    /** The most Create calls that were being answered at the same moment since start or reset. */
    public int peakCreatesInProgress() {
        return peakCreatesInProgress.get();
    }

    public int searchCalls() {
        return searchCalls.get();
    }

    /** Create faults still waiting in the queue. */
    public int pendingFaults() {
        return faults.size();
    }

    /** Search faults still waiting in the queue. */
    public int pendingSearchFaults() {
        return searchFaults.size();
    }

    /** Every card EnKash holds (seeded and created), in the order they were stored, as stored (fresh copies). */
    public List<Map<String, Object>> cards() {
        List<Map<String, Object>> copies = new ArrayList<>();
        for (ObjectNode card : cardsInOrder) {
            copies.add(toMap(card));
        }
        return copies;
    }

    /** Every answered Create call in arrival order (a stalled call appears once its card exists). */
    public List<RecordedCall> createCallsReceived() {
        return new ArrayList<>(recordedCalls.values());
    }

    /** How many cards exist for this mobile number, cards from before included. */
    public long cardsFor(String mobile) {
        return count(cardsPerMobile, mobile);
    }

    /** How many cards Create calls made for this mobile number (cards from before left out). */
    public long cardsCreatedFor(String mobile) {
        return count(createdCardsPerMobile, mobile);
    }

    private static long count(Map<String, AtomicLong> perMobile, String mobile) {
        AtomicLong count = mobile == null ? null : perMobile.get(mobile);
        return count == null ? 0 : count.get();
    }

    // ------------------------------------------------------------------ dispatch

    /** An answer to send; {@code asIs} bodies are already as they go on the wire (never wrapped). */
    private record Answer(int status, String body, Map<String, String> headers, boolean asIs) {
        Answer(int status, String body) {
            this(status, body, Map.of(), false);
        }

        Answer(int status, String body, Map<String, String> headers) {
            this(status, body, headers, false);
        }

        static Answer sentAsIs(int status, String body) {
            return new Answer(status, body, Map.of(), true);
        }

        Answer withHeader(String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return new Answer(status, body, all, asIs);
        }
    }

    private void handle(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (path == null || path.isEmpty()) {
            path = "/";
        } else if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        int status = 500;
        try {
            byte[] raw = readBody(exchange.getRequestBody());
            Answer answer;
            if (raw == null) {
                answer = new Answer(413, springError(413, "Payload Too Large", "Request body too large", path));
            } else {
                answer = switch (path) {
                    case TOKEN_PATH -> "POST".equals(method) ? token(exchange, raw) : methodNotAllowed(path);
                    case CREATE_PATH -> "POST".equals(method) ? encrypted(create(exchange, raw)) : methodNotAllowed(path);
                    case SEARCH_PATH -> "POST".equals(method) ? encrypted(search(exchange, raw)) : methodNotAllowed(path);
                    default -> new Answer(404, springError(404, "Not Found", "No message available", path));
                };
            }
            status = answer.status();
            send(exchange, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 503;
        } catch (IOException e) {
            // the client went away (e.g. timed out during a stall)
            LOG.debug("EnKash sandbox could not answer {} {}: {}", method, path, e.getClass().getSimpleName());
        } catch (RuntimeException e) {
            LOG.warn("EnKash sandbox failed on {} {}: {}", method, path, e.getClass().getName());
            trySend(exchange, new Answer(500, springError(500, "Internal Server Error", "Sandbox failure", path)));
        } finally {
            exchange.close();
            LOG.debug("{} {} -> {}", method, path, status);
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            in.transferTo(OutputStream.nullOutputStream());
            return null;
        }
        return bytes;
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        if (bytes.length > 0) {
            headers.set("Content-Type", "application/json;charset=UTF-8");
        }
        answer.headers().forEach(headers::set);
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static void trySend(HttpExchange exchange, Answer answer) {
        try {
            send(exchange, answer);
        } catch (IOException | RuntimeException ignored) {
            // headers may already be gone; nothing more to do
        }
    }

    private Answer methodNotAllowed(String path) {
        return new Answer(405, springError(405, "Method Not Allowed", "Request method not supported", path))
                .withHeader("Allow", "POST");
    }

    private String springError(int status, String error, String message, String path) {
        ObjectNode body = JSON.createObjectNode();
        body.put("timestamp", clock.instant().toString());
        body.put("status", status);
        body.put("error", error);
        body.put("message", message);
        body.put("path", path);
        return body.toString();
    }

    /** Wraps a Create/search answer body when encryption is on. */
    private Answer encrypted(Answer answer) {
        if (cipher == null || answer.asIs() || answer.body() == null || answer.body().isEmpty()) {
            return answer;
        }
        return new Answer(answer.status(), cipher.wrap(answer.body()), answer.headers());
    }

    // ------------------------------------------------------------------ token

    private Answer token(HttpExchange exchange, byte[] raw) {
        tokenCalls.incrementAndGet();
        Map<String, String> form = parseForm(exchange.getRequestURI().getRawQuery());
        form.putAll(parseForm(new String(raw, StandardCharsets.UTF_8)));
        Fault fault = tokenFaults.poll();
        Answer answer = fault != null ? tokenFault(fault) : issueToken(exchange, form);
        if (answer.status() != 200) {
            rejectedTokenCalls.incrementAndGet();
        }
        countLogin(fault == null && answer.status() == 200, same(clientIdBytes, form.get("clientId")));
        return answer.withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache");
    }

    /** Like EnKash: every login of the account's client that yields no token counts towards the lockout. */
    private void countLogin(boolean success, boolean ourClient) {
        synchronized (loginCount) {
            if (success) {
                consecutiveFailedLogins.set(0);
                return;
            }
            failedLogins++;
            if (ourClient) {
                longestFailedLoginRun = Math.max(longestFailedLoginRun, consecutiveFailedLogins.incrementAndGet());
            }
        }
    }

    private Answer tokenFault(Fault fault) {
        return switch (fault.kind()) {
            case TOKEN_WITHOUT_ACCESS_TOKEN -> new Answer(200, "{\"token_type\":\"bearer\",\"expires_in\":"
                    + settings.tokenLifetimeSeconds() + "}");
            case TOKEN_NOT_JSON -> new Answer(200, "<html><body>Request blocked</body></html>");
            default -> {
                Answer status = new Answer(fault.httpStatus(), errorBody(reason(fault.httpStatus())));
                yield fault.retryAfterSeconds() >= 0
                        ? status.withHeader("Retry-After", Integer.toString(fault.retryAfterSeconds())) : status;
            }
        };
    }

    private Answer issueToken(HttpExchange exchange, Map<String, String> form) {
        if (!validBasicAuth(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return new Answer(401, oauthError("unauthorized", "Bad client credentials"))
                    .withHeader("WWW-Authenticate", "Basic realm=\"oauth2/client\"");
        }
        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isEmpty()) {
            return new Answer(400, oauthError("invalid_request", "Missing grant type"));
        }
        if (!"password".equals(grantType)) {
            return new Answer(400, oauthError("unsupported_grant_type", "Unsupported grant type: " + grantType));
        }
        if (!same(clientIdBytes, form.get("clientId"))) {
            return new Answer(401, oauthError("unauthorized", "Bad client credentials"));
        }
        if (consecutiveFailedLogins.get() >= LOCKOUT_THRESHOLD) {
            return new Answer(400, oauthError("invalid_grant", "User account is locked"));
        }
        if (!same(usernameBytes, form.get("username")) || !same(passwordBytes, form.get("password"))) {
            return new Answer(400, oauthError("invalid_grant", "Bad credentials"));
        }
        String accessToken = UUID.randomUUID().toString();
        tokens.put(accessToken, clock.instant().plusSeconds(settings.tokenLifetimeSeconds()));
        ObjectNode body = JSON.createObjectNode();
        body.put("access_token", accessToken);
        body.put("token_type", "bearer");
        body.put("refresh_token", UUID.randomUUID().toString());
        body.put("expires_in", settings.tokenLifetimeSeconds());
        body.put("scope", "read write");
        return new Answer(200, body.toString());
    }

    private boolean validBasicAuth(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        // evaluate both, so the answer time does not tell which part was wrong
        boolean idOk = same(clientIdBytes, decoded.substring(0, colon));
        boolean secretOk = same(clientSecretBytes, decoded.substring(colon + 1));
        return idOk & secretOk;
    }

    private static Map<String, String> parseForm(String text) {
        Map<String, String> form = new HashMap<>();
        if (text == null || text.isEmpty()) {
            return form;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                form.putIfAbsent(name, value);
            } catch (IllegalArgumentException badEscape) {
                // ignore a malformed pair, as a servlet container would
            }
        }
        return form;
    }

    private static String oauthError(String error, String description) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", error);
        body.put("error_description", description);
        return body.toString();
    }

    // ------------------------------------------------------------------ shared request checks

    /** Result of the checks shared by Create and search: either the parsed body or the answer to give. */
    private record Checked(ObjectNode body, String plainText, Answer refusal) {
    }

    private Checked check(HttpExchange exchange, String rawText) {
        var headers = exchange.getRequestHeaders();
        Answer refusal = checkBearer(headers.getFirst("Authorization"));
        if (refusal != null) {
            return new Checked(null, rawText, refusal);
        }
        if (!settings.partnerId().equals(headers.getFirst("partnerId"))) {
            return new Checked(null, rawText, new Answer(400, errorBody("Invalid partnerId")));
        }
        String contentType = headers.getFirst("Content-Type");
        if (contentType == null || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return new Checked(null, rawText, new Answer(415, errorBody("Content-Type must be application/json")));
        }
        JsonNode parsed = parse(rawText);
        String plain = rawText;
        if (cipher != null) {
            if (parsed == null || !parsed.isObject() || parsed.size() != 1
                    || !parsed.path(PayloadCipher.ENVELOPE_FIELD).isTextual()) {
                return new Checked(null, rawText, new Answer(400, errorBody("Payload must be encrypted")));
            }
            try {
                plain = cipher.decrypt(parsed.get(PayloadCipher.ENVELOPE_FIELD).asText());
            } catch (IllegalStateException wrongKey) {
                return new Checked(null, rawText, new Answer(400, errorBody("Payload could not be decrypted")));
            }
            parsed = parse(plain);
        }
        if (parsed == null || !parsed.isObject()) {
            return new Checked(null, plain, new Answer(400, errorBody("Malformed JSON request")));
        }
        return new Checked((ObjectNode) parsed, plain, null);
    }

    private Answer checkBearer(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return invalidToken("unauthorized", "Full authentication is required to access this resource");
        }
        Instant expiry = tokens.get(authorization.substring(7).trim());
        if (expiry == null) {
            return invalidToken("invalid_token", "Invalid access token");
        }
        if (!clock.instant().isBefore(expiry)) {
            return invalidToken("invalid_token", "Access token expired");
        }
        return null;
    }

    private static Answer invalidToken(String error, String description) {
        return new Answer(401, oauthError(error, description))
                .withHeader("WWW-Authenticate", "Bearer realm=\"oauth\", error=\"" + error
                        + "\", error_description=\"" + description + "\"");
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    private void sleepLatency() throws InterruptedException {
        if (settings.latencyMs() > 0) {
            Thread.sleep(settings.latencyMs());
        }
    }

    // ------------------------------------------------------------------ create

    /** One Create call being answered: what gets recorded, once, with the answered status. */
    private final class CreateCall {
        private final long sequence;
        private final Map<String, String> headers;
        private volatile String body;
        private volatile boolean recorded;
        private final java.time.Instant receivedAt = clock.instant();

        CreateCall(long sequence, Map<String, String> headers, String body) {
            this.sequence = sequence;
            this.headers = headers;
            this.body = body;
        }

        void record(int status) {
            if (!recorded) {
                recorded = true;
                recordedCalls.put(sequence, new RecordedCall(headers, body, status, receivedAt));
            }
        }
    }

    private Answer create(HttpExchange exchange, byte[] raw) throws InterruptedException {
        createCalls.incrementAndGet();
        peakCreatesInProgress.accumulateAndGet(createsInProgress.incrementAndGet(), Math::max);
        CreateCall call = new CreateCall(callSequence.incrementAndGet(), lowerCaseHeaders(exchange),
                new String(raw, StandardCharsets.UTF_8));
        Answer answer = null;
        try {
            answer = answerCreate(exchange, call);
            return answer;
        } finally {
            createsInProgress.decrementAndGet();
            call.record(answer == null ? 500 : answer.status());
        }
    }

    private Answer answerCreate(HttpExchange exchange, CreateCall call) throws InterruptedException {
        sleepLatency();
        Checked checked = check(exchange, call.body);
        call.body = checked.plainText();
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        ObjectNode body = checked.body();
        String invalid = validateCreate(body);
        if (invalid != null) {
            return new Answer(400, errorBody(invalid));
        }
        Fault fault = faults.poll();
        if (fault != null) {
            return applyFault(fault, body, call);
        }
        double share = settings.share5xx() + settings.share429();
        double draw = share > 0 ? ThreadLocalRandom.current().nextDouble() : 1.0;
        if (draw < settings.share5xx()) {
            return new Answer(503, errorBody(reason(503)));
        }
        if (draw < share) {
            return new Answer(429, errorBody(reason(429)))
                    .withHeader("Retry-After", Integer.toString(settings.retryAfterSeconds()));
        }
        if (settings.emptyCardAccounts().contains(body.path("cardAccountId").asText())) {
            return businessRefusal("Insufficient balance in card account");
        }
        return success(createCard(body));
    }

    private Answer applyFault(Fault fault, ObjectNode body, CreateCall call) throws InterruptedException {
        Answer refused = refusedBy(fault);
        if (refused != null) {
            return refused;
        }
        switch (fault.kind()) {
            case BUSINESS_REFUSAL:
                return businessRefusal(fault.message());
            case ANSWER_LOST:
                createCard(body);
                return new Answer(fault.httpStatus(), errorBody(reason(fault.httpStatus())));
            case UNREADABLE_ANSWER:
            case TRUNCATED_ANSWER:
                return garbled(fault, success(createCard(body)));
            case SUCCESS_WITHOUT_CARD_ID: {
                ObjectNode withoutId = createCard(body).deepCopy();
                withoutId.remove("enKashCardId");
                return success(withoutId);
            }
            case STALL: {
                ObjectNode card = createCard(body);
                call.record(200); // recorded now: the card exists while the answer is held back
                Thread.sleep(fault.millis());
                return success(card);
            }
            case STALL_BEFORE_CREATE:
                Thread.sleep(fault.millis());
                return new Answer(504, errorBody(reason(504)));
            case SLOW_CREATE:
                Thread.sleep(fault.millis());
                return success(createCard(body));
            default:
                throw new IllegalStateException("not a Create fault: " + fault);
        }
    }

    /** The answer of a fault that stops a Create or search before it does anything, or null for other faults. */
    private static Answer refusedBy(Fault fault) {
        return switch (fault.kind()) {
            case STATUS -> {
                Answer answer = new Answer(fault.httpStatus(), errorBody(reason(fault.httpStatus())));
                yield fault.retryAfterSeconds() >= 0
                        ? answer.withHeader("Retry-After", Integer.toString(fault.retryAfterSeconds()))
                        : answer;
            }
            case ERROR_ENVELOPE -> new Answer(200, errorBody(fault.message()));
            default -> null;
        };
    }

    /** The answer as an unreadable or truncated fault sends it; unchanged for other faults. */
    private Answer garbled(Fault fault, Answer answer) {
        return switch (fault.kind()) {
            case UNREADABLE_ANSWER -> Answer.sentAsIs(answer.status(), unreadable.unreadable(answer.body()));
            case TRUNCATED_ANSWER -> Answer.sentAsIs(answer.status(), unreadable.truncated(answer.body()));
            default -> answer;
        };
    }

    private static String validateCreate(ObjectNode body) {
        List<String> problems = new ArrayList<>();
        if (blank(body.get("companyId"))) {
            problems.add("companyId is required");
        }
        if (blank(body.get("cardAccountId"))) {
            problems.add("cardAccountId is required");
        }
        JsonNode email = body.get("email");
        if (email != null && !email.isNull() && !(email.isTextual() && EMAIL.matcher(email.asText()).matches())) {
            problems.add("Invalid email");
        }
        JsonNode mobile = body.get("mobile");
        if (mobile != null && !mobile.isNull()
                && !((mobile.isTextual() || mobile.isIntegralNumber()) && MOBILE.matcher(mobile.asText()).matches())) {
            problems.add("Invalid mobile: must be exactly 10 digits");
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static boolean blank(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() || node.asText().isBlank();
    }

    /** Stores the card a Create call makes, dated now. */
    private ObjectNode createCard(ObjectNode request) {
        return storeCard(request, clock.instant(), true);
    }

    /** Stores a card; {@code byCreate} false for a card from before, which no Create call made. */
    private ObjectNode storeCard(ObjectNode request, Instant createdDate, boolean byCreate) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String id = "EKC" + cardSequence.incrementAndGet();
        ObjectNode card = JSON.createObjectNode();
        card.put("enKashCardId", id);
        String lastFour = Integer.toString(10_000 + random.nextInt(10_000)).substring(1);
        card.put("maskedNumber", "XXXXXXXXXXXX" + lastFour);
        ObjectNode cardStatus = card.putObject("cardStatus");
        cardStatus.put("name", "L");
        cardStatus.put("label", "Locked");
        card.put("kycStatus", "MIN_KYC_PENDING");
        card.put("cardActivated", false);
        for (String field : ECHOED_FIELDS) {
            JsonNode value = request.get(field);
            card.set(field, value == null ? NullNode.getInstance() : value.deepCopy());
        }
        JsonNode physical = request.get("physicalCard");
        card.set("physicalCard", physical == null || physical.isNull() ? BooleanNode.FALSE : physical.deepCopy());
        if (createdDate != null) { // a seeded card may come without one, as EnKash's docs do not promise it
            card.put("createdDate", createdDate.truncatedTo(ChronoUnit.MILLIS).toString());
        }
        // publish: by id first, so a search that sees the card in order also finds it by id
        cardsById.put(id, card);
        cardsInOrder.add(card);
        JsonNode mobile = request.get("mobile");
        if (mobile != null && !mobile.isNull()) {
            cardsPerMobile.computeIfAbsent(mobile.asText(), key -> new AtomicLong()).incrementAndGet();
            if (byCreate) {
                createdCardsPerMobile.computeIfAbsent(mobile.asText(), key -> new AtomicLong()).incrementAndGet();
            }
        }
        return card;
    }

    private static Answer success(ObjectNode card) {
        ObjectNode body = JSON.createObjectNode();
        body.put("code", 0);
        body.put("message", "Success");
        body.set("payload", card);
        return new Answer(200, body.toString());
    }

    private static Answer businessRefusal(String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("response_code", 1);
        body.put("response_message", message);
        body.put("payload", message);
        return new Answer(200, body.toString());
    }

    private static String errorBody(String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("response_code", 1);
        body.put("response_message", message);
        body.putNull("payload");
        return body.toString();
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP " + status;
        };
    }

    private static Map<String, String> lowerCaseHeaders(HttpExchange exchange) {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.merge(name.toLowerCase(Locale.ROOT), String.join(", ", values), (a, b) -> a + ", " + b));
        return headers;
    }

    // ------------------------------------------------------------------ search

    private Answer search(HttpExchange exchange, byte[] raw) throws InterruptedException {
        searchCalls.incrementAndGet();
        sleepLatency();
        Checked checked = check(exchange, new String(raw, StandardCharsets.UTF_8));
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        ObjectNode request = checked.body();
        List<String> problems = new ArrayList<>();
        if (blank(request.get("companyId"))) {
            problems.add("companyId is required");
        }
        if (blank(request.get("cardAccountId"))) {
            problems.add("cardAccountId is required");
        }
        if (!problems.isEmpty()) {
            return new Answer(400, errorBody(String.join("; ", problems)));
        }
        Fault fault = searchFaults.poll();
        Answer refused = fault == null ? null : refusedBy(fault);
        if (refused != null) {
            return refused;
        }
        Answer answer = searchAnswer(request, CardListing.listed(settings.searchPageSize(), fault));
        return fault == null ? answer : garbled(fault, answer);
    }

    /** The card asked for by enKashCardId, else the account's cards, listing at most {@code listed}. */
    private Answer searchAnswer(ObjectNode request, int listed) {
        String companyId = request.get("companyId").asText();
        String cardAccountId = request.get("cardAccountId").asText();
        JsonNode cardId = request.get("enKashCardId");
        if (cardId != null && !cardId.isNull() && !cardId.asText().isBlank()) {
            ObjectNode card = cardsById.get(cardId.asText().trim());
            if (card == null || !belongsTo(card, companyId, cardAccountId)) {
                return new Answer(200, errorBody("Card not found"));
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("response_code", 0);
            body.put("response_message", "Success");
            body.set("payload", card);
            return new Answer(200, body.toString());
        }
        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode card : cardsInOrder) {
            if (belongsTo(card, companyId, cardAccountId)) {
                matching.add(card);
            }
        }
        return new Answer(200, CardListing.body(matching, listed));
    }

    private static boolean belongsTo(ObjectNode card, String companyId, String cardAccountId) {
        return companyId.equals(card.path("companyId").asText()) && cardAccountId.equals(card.path("cardAccountId").asText());
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> toMap(ObjectNode card) {
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = JSON.convertValue(card, LinkedHashMap.class);
        return copy;
    }

    private static byte[] bytes(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean same(byte[] expected, String given) {
        return given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
    }
}
