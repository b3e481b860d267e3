package io.cardroutes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.util.Arrays;

import javax.management.MBeanOperationInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;

import io.cardroutes.ops.CardOperations;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.PrivatePlace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundle's MBean (io.cardroutes:type=CardOperations) as a JMX client (jconsole, VisualVM) sees it:
 * over a real RMI connection to this JVM's MBean server, its attributes follow the traffic and its
 * operations act on the running bundle.
 */
class JmxConnectionTest {

    private static Bundle bundle;
    private static Registry rmiRegistry;
    private static JMXConnectorServer connectorServer;
    private static JMXConnector connector;
    private static MBeanServerConnection jmx;
    private static ObjectName operations;

    @BeforeAll
    static void boot() throws Exception {
        bundle = Bundle.start();
        int port = PrivatePlace.freePort();
        rmiRegistry = LocateRegistry.createRegistry(port);
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        connectorServer = JMXConnectorServerFactory.newJMXConnectorServer(url, null,
                ManagementFactory.getPlatformMBeanServer());
        connectorServer.start();
        connector = JMXConnectorFactory.connect(url);
        jmx = connector.getMBeanServerConnection();
        operations = new ObjectName(CardOperations.OBJECT_NAME);
    }

    @AfterAll
    static void shutdown() throws Exception {
        try {
            connector.close();
            connectorServer.stop();
            UnicastRemoteObject.unexportObject(rmiRegistry, true);
        } finally {
            bundle.close();
        }
    }

    @Test
    void the_attributes_count_the_requests_and_the_operations_reset_the_token_and_clear_the_login_lock()
            throws Exception {
        EnkashSandbox enkash = bundle.freshSandbox();
        bundle.drop("jmx-1.json", "[{\"requestId\":\"JMX-1\",\"mobile\":\"9876504001\"},"
                + "{\"requestId\":\"JMX-2\",\"mobile\":\"98765\"}]");
        bundle.awaitResults("jmx-1.json");
        bundle.awaitRow("JMX-2", "REJECTED");
        assertThat(jmx.getAttribute(operations, "CountsByStatus")).isEqualTo("CREATED=1, REJECTED=1");
        assertThat(jmx.getAttribute(operations, "NeedsReviewCount")).isEqualTo(0L);
        assertThat((String[]) jmx.getAttribute(operations, "NeedsReview")).isEmpty();
        assertThat(jmx.getAttribute(operations, "MaxFailedLogins")).isEqualTo(2);
        assertThat(jmx.getAttribute(operations, "LoginLocked")).isEqualTo(false);
        assertThat(enkash.tokenCalls()).isEqualTo(1);

        // resetTokenCache: the next request logs in afresh, and EnKash refuses that login twice
        enkash.enqueueToken(Fault.status(401), Fault.status(401));
        jmx.invoke(operations, "resetTokenCache", new Object[0], new String[0]);
        for (int i = 3; i <= 4; i++) {
            bundle.drop("jmx-" + i + ".json", "{\"requestId\":\"JMX-" + i + "\",\"mobile\":\"987650400" + i + "\"}");
            assertThat(bundle.awaitResults("jmx-" + i + ".json").get(0).get("status").asText()).isEqualTo("FAILED");
        }
        assertThat(enkash.tokenCalls()).isEqualTo(3);
        assertThat(jmx.getAttribute(operations, "FailedLogins")).isEqualTo(2);
        assertThat(jmx.getAttribute(operations, "LoginLocked")).isEqualTo(true);
        assertThat((String) jmx.getAttribute(operations, "LastLoginFailure")).contains("HTTP 401");

        Object cleared = jmx.invoke(operations, "clearLoginLock", new Object[0], new String[0]);
        assertThat((String) cleared).startsWith("cleared 2 failed login(s)");
        assertThat(jmx.getAttribute(operations, "LoginLocked")).isEqualTo(false);
        assertThat(jmx.getAttribute(operations, "FailedLogins")).isEqualTo(0);

        bundle.drop("jmx-5.json", "{\"requestId\":\"JMX-5\",\"mobile\":\"9876504005\"}");
        assertThat(bundle.awaitResults("jmx-5.json").get(0).get("status").asText()).isEqualTo("CREATED");
        bundle.awaitRow("JMX-5", "CREATED");
        assertThat(jmx.getAttribute(operations, "CountsByStatus")).isEqualTo("CREATED=2, FAILED=2, REJECTED=1");
    }

    @Test
    void the_mbean_describes_its_operations() throws Exception {
        assertThat(Arrays.stream(jmx.getMBeanInfo(operations).getOperations()).map(MBeanOperationInfo::getName))
                .contains("clearLoginLock", "resetTokenCache");
        assertThat(jmx.queryNames(new ObjectName("org.apache.camel:type=routes,name=\"card-pipeline\",*"), null))
                .as("Camel's own MBeans over the same connection").hasSize(1);
    }
}
