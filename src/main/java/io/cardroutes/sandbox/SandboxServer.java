package io.cardroutes.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cardroutes.enkash.PayloadCipher;

/**
 * The sandbox's HTTP plumbing: the JDK server on loopback with a fixed pool of worker threads, reading
 * the body (at most 1 MiB), sending POSTs to the token, Create and search endpoints, wrapping Create and
 * search answers when encryption is on, and Spring-style 404/405/413/500 answers for everything else.
 *
 * <p>The JDK server writes headers and body separately; without TCP_NODELAY, Nagle plus delayed ACKs add
 * ~40 ms to keep-alive exchanges. The JDK reads {@code sun.net.httpserver.nodelay} once, for the whole
 * JVM, so it is set by who owns the JVM: {@code Application.main}, and the test and benchmark JVMs (pom).
 *
 * <p>Only method, path and status are logged (DEBUG); never credentials, tokens or bodies.
 */
final class SandboxServer {

    /** Answers one POST to a path, given its raw body. */
    interface Endpoint {
        Answer answer(HttpExchange exchange, byte[] raw) throws InterruptedException;
    }

    // the façade's name, so logging configuration keeps naming the sandbox as before
    private static final Logger LOG = LoggerFactory.getLogger(EnkashSandbox.class);
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final AtomicInteger SERVER_NUMBER = new AtomicInteger();

    private final SandboxSettings settings;
    private final Clock clock;
    private final PayloadCipher cipher;
    private final Endpoint token;
    private final Endpoint create;
    private final Endpoint search;

    private HttpServer server;
    private ExecutorService executor;
    private volatile int boundPort;

    /** @param cipher wraps Create and search answers; null when encryption is off */
    SandboxServer(SandboxSettings settings, Clock clock, PayloadCipher cipher,
            Endpoint token, Endpoint create, Endpoint search) {
        this.settings = settings;
        this.clock = clock;
        this.cipher = cipher;
        this.token = token;
        this.create = create;
        this.search = search;
        this.boundPort = settings.port();
    }

    synchronized void start() {
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

    synchronized void stop() {
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

    /** The port listened on (the chosen free port when settings.port() is 0), else the configured one. */
    int port() {
        return boundPort;
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
                    case EnkashSandbox.TOKEN_PATH ->
                            "POST".equals(method) ? token.answer(exchange, raw) : methodNotAllowed(path);
                    case EnkashSandbox.CREATE_PATH ->
                            "POST".equals(method) ? encrypted(create.answer(exchange, raw)) : methodNotAllowed(path);
                    case EnkashSandbox.SEARCH_PATH ->
                            "POST".equals(method) ? encrypted(search.answer(exchange, raw)) : methodNotAllowed(path);
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
        ObjectNode body = Answer.JSON.createObjectNode();
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
}
