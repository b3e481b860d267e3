package io.cardroutes.ops;

import java.net.InetAddress;
import java.net.URL;
import java.net.UnknownHostException;

import io.cardroutes.ContextEvents;
import io.cardroutes.Settings;
import io.cardroutes.persistence.Database;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.BasicAuthHandler;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.plugin.DefaultJolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig.AuthenticationConfigEntry;
import org.apache.camel.spi.CamelEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port, never the API's: the Hawtio console at /hawtio ({@code app.hawtio.enabled}, on by
 * default) and Jolokia at /observe/jolokia ({@code app.jolokia.enabled}, off by default), bound to
 * {@code app.management.host} (127.0.0.1). Jolokia, Hawtio's included, is read-only unless
 * {@code app.jolokia.operations.enabled}; the port asks for a login whenever it listens beyond loopback or
 * {@code app.management.login-required} (the bundle refuses to start without one). The server is Camel's
 * own management server (camel-platform-http-main), a second instance beside the one that serves
 * /observe/health on the API port, with Prometheus metrics at /observe/metrics ({@code app.metrics.enabled},
 * {@link ManagementMetrics}) beside them. Runs before the other configurations, so a refusal starts nothing.
 */
public class ManagementPort implements CamelConfiguration {

    public static final String JOLOKIA_PATH = "/observe/jolokia";
    static final String READ_ONLY_POLICY = "/jolokia-access.xml";
    static final String OPERATIONS_POLICY = "/jolokia-access-operations.xml";

    private static final Logger LOG = LoggerFactory.getLogger(ManagementPort.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        boolean jolokia = settings.flag("app.jolokia.enabled");
        boolean hawtio = settings.flag("app.hawtio.enabled");
        boolean metrics = settings.flag("app.metrics.enabled");
        if (!jolokia && !hawtio && !metrics) {
            LOG.info("The management port is off (app.jolokia.enabled, app.hawtio.enabled, app.metrics.enabled)");
            return;
        }
        String serves = jolokia && hawtio ? "Jolokia and Hawtio" : jolokia ? "Jolokia" : hawtio ? "Hawtio" : "The metrics endpoint";
        String host = settings.text("app.management.host");
        int port = settings.integer("app.management.port");
        String user = settings.text("app.management.user", "");
        String password = settings.text("app.management.password", "");
        if (port == settings.integer("app.http.port")) {
            throw new IllegalStateException(serves + " needs a port of its own: APP_MANAGEMENT_PORT must differ from"
                    + " APP_HTTP_PORT (" + port + ")");
        }
        if (user.isEmpty() != password.isEmpty()) {
            throw new IllegalStateException(serves + "'s login needs both APP_MANAGEMENT_USER and APP_MANAGEMENT_PASSWORD");
        }
        if (user.isEmpty() && !loopback(host)) {
            throw new IllegalStateException(serves + " would listen on " + host + ":" + port + " without a login: set"
                    + " APP_MANAGEMENT_USER and APP_MANAGEMENT_PASSWORD, or keep APP_MANAGEMENT_HOST on 127.0.0.1");
        }
        // the login prod asks for guards what reads the JVM (Jolokia, Hawtio); metrics alone stay on loopback without one
        if (user.isEmpty() && (jolokia || hawtio) && settings.flag("app.management.login-required")) {
            throw new IllegalStateException(serves + " requires a login (app.management.login-required, on in the prod"
                    + " profile): set APP_MANAGEMENT_USER and APP_MANAGEMENT_PASSWORD");
        }
        boolean operations = settings.flag("app.jolokia.operations.enabled");
        String policy = operations ? OPERATIONS_POLICY : READ_ONLY_POLICY;
        // the management server takes the registry's plugin named "jolokia" before its own default
        if (jolokia) {
            context.getRegistry().bind(JolokiaPlatformHttpPlugin.NAME, plugin(policy));
        }
        HawtioConsole console = hawtio ? new HawtioConsole(HawtioConsole.war(), policy) : null;

        ManagementHttpServer server = new ManagementHttpServer();
        server.setCamelContext(context);
        server.setHost(host);
        server.setPort(port);
        server.setJolokiaEnabled(jolokia);
        server.setJolokiaPath(JOLOKIA_PATH);
        server.setFileUploadEnabled(false);
        if (!user.isEmpty()) {
            requireLogin(server.getConfiguration().getAuthenticationConfig(), new ManagementLogin(user, password));
        }
        // started once the routes are: platform-http's REST consumers find the API port while only one
        // Vert.x server exists (with two, Camel 4.17 falls back to port 8080), and keep it
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // not yet: the REST consumers may still be starting
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) throws Exception {
                started.addService(server, true, true);
                if (metrics) {
                    started.getRegistry().lookupByNameAndType(ManagementMetrics.NAME, ManagementMetrics.class).serveOn(server);
                }
                if (console != null) {
                    // behind the login the server's router checks first; until Jetty runs, the proxy answers 503
                    server.getRouter().route(HawtioConsole.PATH + "/*").handler(new HawtioProxy(server.getRouter().vertx(), console));
                }
            }
        });
        if (console != null) {
            // Jetty (about 2 s of CPU) starts in the background once Camel has started and the database is set
            // up (readiness waits for both): started earlier, on two cores it slowed down what readiness waits for
            ContextEvents.on(context, CamelEvent.CamelContextStartedEvent.class, event -> {
                CamelContext started = event.getContext();
                Database database = started.hasService(Database.class);
                if (database != null) {
                    console.startAfter(database::awaitReady);
                }
                started.addService(console, true, true);
            });
        }
        String access = (operations ? "reads, route control and the bundle's operations" : "read-only") + ", "
                + (user.isEmpty() ? "no login" : "login required");
        if (jolokia) {
            LOG.info("Jolokia on http://{}:{}{} ({})", host, port, JOLOKIA_PATH, access);
        }
        if (hawtio) {
            LOG.info("Hawtio console on http://{}:{}{}/ (its Jolokia {})", host, port, HawtioConsole.PATH, access);
        }
        LOG.info("Metrics {}", metrics ? "on http://" + host + ":" + port + "/observe/metrics" : "off");
    }

    static boolean loopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("APP_MANAGEMENT_HOST " + host + " is not a known address", e);
        }
    }

    private static void requireLogin(AuthenticationConfig config, ManagementLogin login) {
        AuthenticationConfigEntry entry = new AuthenticationConfigEntry();
        entry.setPath("/*");
        entry.setAuthenticationProviderFactory(vertx -> login);
        entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T provider) {
                return BasicAuthHandler.create(provider, "enkash-card-routes");
            }
        });
        config.getEntries().add(entry);
        config.setEnabled(true);
    }

    /**
     * Camel's Jolokia plugin with the given policy. The plugin reads its policy only from the class path
     * as {@value #READ_ONLY_POLICY}, asking the thread's context class loader first: while it is built,
     * that loader answers the chosen file under that name.
     */
    static JolokiaPlatformHttpPlugin plugin(String policy) {
        URL chosen = ManagementPort.class.getResource(policy);
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(new ClassLoader(before) {
            @Override
            public URL getResource(String name) {
                return READ_ONLY_POLICY.equals(name) ? chosen : super.getResource(name);
            }
        });
        try {
            return new DefaultJolokiaPlatformHttpPlugin();
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
