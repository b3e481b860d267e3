package io.cardroutes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Folders, database and free ports of one bundle under test, so bundles never share state or
 * ports: as property overrides (in-process) or as environment variables (the packaged jar).
 */
public final class PrivatePlace {

    public final Path home;
    public final Path inbox;
    public final Path outbox;
    public final Path errorDir;
    public final int httpPort;
    public final int sandboxPort;
    private final Map<String, String> properties = new LinkedHashMap<>();

    public PrivatePlace(Path home) throws IOException {
        this.home = home;
        this.inbox = home.resolve("inbox");
        this.outbox = home.resolve("outbox");
        this.errorDir = home.resolve("error");
        Files.createDirectories(inbox);
        this.httpPort = freePort();
        this.sandboxPort = freePort();
        properties.put("app.inbox", inbox.toString());
        properties.put("app.outbox", outbox.toString());
        properties.put("app.error-dir", errorDir.toString());
        properties.put("app.db.url", "jdbc:h2:file:" + home.resolve("db/cards") + ";WRITE_DELAY=0");
        properties.put("app.http.port", String.valueOf(httpPort));
        properties.put("enkash.sandbox.port", String.valueOf(sandboxPort));
        properties.put("app.broker.embedded.port", String.valueOf(freePort()));
        properties.put("app.broker.data-dir", home.resolve("broker").toString());
        properties.put("app.management.port", String.valueOf(freePort()));
        // the Hawtio console costs about 2 s of CPU per start: only the tests that look at it turn it on
        properties.put("app.hawtio.enabled", "false");
    }

    /** The private settings as property keys ({@code app.inbox} ...). */
    public Map<String, String> properties() {
        return new LinkedHashMap<>(properties);
    }

    /** The same settings as the environment variables a user would set ({@code APP_INBOX} ...). */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        properties.forEach((key, value) -> env.put(envName(key), value));
        return env;
    }

    /** Camel's mapping of a property key to its environment variable. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** A port nothing listens on now (unchecked, so a test class can take one in a static field). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
