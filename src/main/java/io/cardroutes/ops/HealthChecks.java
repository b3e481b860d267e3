package io.cardroutes.ops;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import javax.sql.DataSource;

import io.cardroutes.Settings;
import io.cardroutes.enkash.EnkashCircuit;
import io.cardroutes.enkash.TokenProvider;
import io.cardroutes.ops.ProbeCheck.Kind;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Registry;

/**
 * The bundle's health checks beside Camel's own (routes, consumers) and {@code ledger-writer}:
 * readiness ({@code /observe/health/ready}) is DOWN while the {@code database} or the {@code broker}
 * does not answer or the {@code enkash-login} guard has stopped all logins; {@code enkash-reachable}
 * (a TCP connect to EnKash's hosts, never a login) shows in {@code /observe/health} only, since every
 * instance shares EnKash and taking them all out of service would not bring it back; so does {@code enkash-circuit}
 * (DOWN while the circuit breaker in front of EnKash is open or half open). Readiness DOWN
 * stops nothing: it tells a load balancer or Kubernetes to send no traffic. Runs after the
 * configurations whose parts it checks.
 */
public class HealthChecks implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        HealthCheckRegistry checks = HealthCheckRegistry.get(context);
        if (checks == null) {
            return; // camel.health.enabled=false
        }
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();
        Duration bound = Duration.ofMillis(settings.longValue("app.health.timeout-ms"));
        ExecutorService probes = context.getExecutorServiceManager().newCachedThreadPool(this, "health-probe");

        DataSource database = registry.lookupByNameAndType("dataSource", DataSource.class);
        checks.register(new ProbeCheck("database", Kind.READINESS, bound, probes, () -> selectOne(database, bound)));

        BrokerProbe broker = new BrokerProbe(registry.lookupByNameAndType("jms", JmsComponent.class).getConfiguration()
                .getConnectionFactory());
        context.addService(broker, true, true);
        checks.register(new ProbeCheck("broker", Kind.READINESS, bound, probes, broker));

        TokenProvider tokens = registry.lookupByNameAndType("tokenProvider", TokenProvider.class);
        checks.register(new ProbeCheck("enkash-login", Kind.READINESS, bound, probes, () -> loginLock(tokens)));

        EnkashCircuit circuit = registry.lookupByNameAndType("enkashCircuit", EnkashCircuit.class);
        checks.register(new ProbeCheck("enkash-circuit", Kind.INFO, bound, probes, circuit::trouble));

        Set<URI> enkash = new LinkedHashSet<>();
        enkash.add(URI.create(settings.text("enkash.base-url")));
        enkash.add(URI.create(settings.text("enkash.token-url")));
        checks.register(new ProbeCheck("enkash-reachable", Kind.INFO, bound, probes, () -> connect(enkash, bound)));
    }

    private static String selectOne(DataSource database, Duration bound) throws Exception {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, bound.toSeconds()));
            statement.execute("select 1");
            return null;
        }
    }

    static String loginLock(TokenProvider tokens) {
        if (!tokens.isLoginLocked()) {
            return null;
        }
        return "EnKash logins are stopped after " + tokens.failedLogins() + " failed logins in a row (last: "
                + tokens.lastLoginFailure() + "), so that EnKash does not lock the account. Fix the credentials, check"
                + " with EnKash that the account is not locked, then clear the count: JMX operation clearLoginLock"
                + " (io.cardroutes:type=CardOperations) or POST /api/v1/enkash/login-lock/clear";
    }

    /** Opens and closes a TCP connection to each host: no request, nothing created, no login counted. */
    private static String connect(Set<URI> targets, Duration bound) {
        for (URI target : targets) {
            int port = target.getPort() > 0 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(target.getHost(), port), (int) bound.toMillis());
            } catch (Exception e) {
                return "cannot connect to " + target.getHost() + ":" + port + " (" + ProbeCheck.reason(e) + ")";
            }
        }
        return null;
    }
}
