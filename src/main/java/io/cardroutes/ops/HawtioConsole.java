package io.cardroutes.ops;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.stream.Stream;

import org.apache.camel.support.service.ServiceSupport;
import org.eclipse.jetty.ee10.webapp.WebAppClassLoader;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hawtio 4 console (the {@code hawtio-default} war, with Jolokia inside) in an embedded Jetty that
 * listens on 127.0.0.1 at a port of the system's choosing and answers only requests that carry this
 * start's random key: those of {@link HawtioProxy}, which serves it at {@value #PATH} on the management
 * port behind that port's login. Jetty starts on a thread of its own (about 2 s of CPU) once Camel has
 * started, so the pipeline's readiness never waits for it; until then the proxy answers 503.
 */
final class HawtioConsole extends ServiceSupport {

    static final String PATH = "/hawtio";
    static final String KEY_HEADER = "X-Card-Routes-Console-Key";

    private static final Logger LOG = LoggerFactory.getLogger(HawtioConsole.class);

    private final Path war;
    private final String policy;
    private final String key;
    private volatile Server server;
    private volatile int port;
    private volatile Runnable before = () -> { };

    HawtioConsole(Path war, String policy) {
        this.war = war;
        this.policy = policy;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Jetty's port once the console answers, else 0. */
    int port() {
        return port;
    }

    String key() {
        return key;
    }

    /** What Jetty's start waits for first, on its own thread (the database's set-up); its failure cancels the console. */
    void startAfter(Runnable gate) {
        this.before = gate;
    }

    /**
     * The war beside the bundle's jars: {@code target/lib/} next to {@code target/classes} (tests) or to
     * {@code target/enkash-card-routes.jar} (the packaged jar); Maven copies it there.
     */
    static Path war() {
        Path lib;
        try {
            lib = Path.of(HawtioConsole.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent().resolve("lib");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot tell where the bundle's jars are", e);
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.filter(f -> f.getFileName().toString().matches("hawtio-default-.*\\.war")).findFirst()
                    .orElseThrow(() -> missing(lib));
        } catch (IOException e) {
            throw missing(lib);
        }
    }

    private static IllegalStateException missing(Path lib) {
        return new IllegalStateException("Hawtio's war (hawtio-default-*.war) is not in " + lib
                + ": build with mvn package, or set APP_HAWTIO_ENABLED=false");
    }

    @Override
    protected void doStart() {
        Thread starter = new Thread(this::startJetty, "hawtio-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void startJetty() {
        try {
            before.run();
        } catch (RuntimeException e) {
            LOG.warn("Hawtio console not started: {}", e.getMessage());
            return;
        }
        if (isStoppingOrStopped()) {
            return;
        }
        // Hawtio reads its settings from system properties only. The management port's login guards it, so
        // Hawtio asks for none of its own; no proxy to other JVMs, no probing of this machine's addresses.
        System.setProperty("hawtio.authenticationEnabled", "false");
        System.setProperty("hawtio.disableProxy", "true");
        System.setProperty("hawtio.localAddressProbing", "false");
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("hawtio");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath(PATH);
        webapp.setWar(war.toString());
        webapp.setClassLoader(new WebAppClassLoader(new ConsoleParentLoader(HawtioConsole.class.getClassLoader()), webapp));
        // the war brings its own slf4j: Hawtio logs through the bundle's instead (one slf4j, one log4j2 config)
        webapp.getProtectedClassMatcher().add("org.slf4j.");
        // Jolokia inside the war reads the bundle's policy (read-only, or with the opted-in operations)
        webapp.setInitParameter("policyLocation", "classpath:" + policy.substring(1));
        jetty.setHandler(new KeyCheck(key, webapp));
        server = jetty;
        long began = System.nanoTime();
        try {
            jetty.start();
            port = connector.getLocalPort();
            LOG.info("Hawtio console ready ({} ms)", (System.nanoTime() - began) / 1_000_000);
        } catch (Exception e) {
            LOG.error("Hawtio console did not start; the bundle runs on without it", e);
            stopJetty();
        }
    }

    @Override
    protected void doStop() {
        port = 0;
        stopJetty();
    }

    private void stopJetty() {
        Server jetty = server;
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                LOG.warn("Hawtio console did not stop cleanly: {}", e.getMessage());
            }
        }
    }

    /** Answers 403 to every request without the key: local users cannot go around the management port's login. */
    private static final class KeyCheck extends Handler.Wrapper {

        private final byte[] key;

        KeyCheck(String key, Handler next) {
            super(next);
            this.key = key.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String given = request.getHeaders().get(KEY_HEADER);
            if (given == null || !MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8))) {
                Response.writeError(request, response, callback, 403);
                return true;
            }
            return super.handle(request, response, callback);
        }
    }
}
