package io.cardroutes;

import io.cardroutes.channels.ChannelsConfiguration;
import io.cardroutes.mapping.MappingConfiguration;
import io.cardroutes.ops.HealthChecks;
import io.cardroutes.ops.ManagementMetrics;
import io.cardroutes.ops.ManagementPort;
import io.cardroutes.sftp.SftpChannel;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Starts the bundle: Camel Main reading config/application.properties and routes/*.camel.yaml
 * from the working directory, so an operator changes behaviour by editing files, not by rebuilding.
 */
public final class Application {

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        sendSmallAnswersAtOnce();
        Main main = create();
        stopOnSigterm(main);
        System.exit(main.run(args));
    }

    /** The Main every entry point uses (the jar, the tests, the benchmarks). */
    public static Main create() {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(ConfigLocations.placeholderLocations());
        // found by Camel Main when it sets up camel.metrics.*: Camel's metrics, served on the management port
        main.bind(ManagementMetrics.NAME, new ManagementMetrics());
        main.configure().addConfiguration(new StartupCosts());
        // first (of what starts anything): a management port it must refuse starts nothing else
        main.configure().addConfiguration(new ManagementPort());
        main.configure().addConfiguration(new BundleConfiguration());
        main.configure().addConfiguration(new ChannelsConfiguration());
        main.configure().addConfiguration(new SftpChannel());
        main.configure().addConfiguration(new MappingConfiguration());
        main.configure().addConfiguration(new HealthChecks());
        return main;
    }

    /**
     * The JDK's HTTP server (the EnKash sandbox's) writes an answer's headers and body separately; without
     * TCP_NODELAY, Nagle plus the client's delayed ACK hold each keep-alive answer ~40 ms. The JDK reads
     * {@code sun.net.httpserver.nodelay} once for the whole JVM, when its server config class loads, so
     * whoever owns the JVM sets it before anything starts: here, and the build's test JVMs (pom.xml) and
     * the benchmark driver. A value given on the command line wins.
     */
    public static void sendSmallAnswersAtOnce() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /**
     * SIGTERM (docker stop, Kubernetes) is how the bundle is normally stopped, so it ends like any
     * completed run: Camel's graceful stop (app.shutdown.grace-ms) on the main thread, then exit 0.
     * Left to the JVM, SIGTERM runs the same stop in a shutdown hook but always exits 143, which
     * supervisors count as a failure.
     */
    private static void stopOnSigterm(Main main) {
        Signal.handle(new Signal("TERM"), signal -> {
            LOG.info("SIGTERM: stopping (no new work; requests in flight get app.shutdown.grace-ms to finish)");
            main.completed();
        });
    }
}
