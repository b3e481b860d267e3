package io.cardroutes.ops;

import java.util.concurrent.Callable;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The {@code broker} health check's probe: opens a session on one connection it keeps (a new connection
 * per probe would cost the broker a login each time), and connects afresh once the broker dropped it.
 */
final class BrokerProbe extends ServiceSupport implements Callable<String> {

    private final ConnectionFactory factory;
    private Connection connection;
    private volatile boolean lost;

    BrokerProbe(ConnectionFactory factory) {
        this.factory = factory;
    }

    @Override
    public synchronized String call() throws JMSException {
        if (connection == null || lost) {
            disconnect();
            lost = false;
            connection = factory.createConnection();
            connection.setExceptionListener(e -> lost = true);
        }
        try {
            connection.createSession(false, Session.AUTO_ACKNOWLEDGE).close();
            return null;
        } catch (JMSException e) {
            lost = true;
            throw e;
        }
    }

    @Override
    protected synchronized void doStop() {
        disconnect();
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException ignored) {
                // the broker is gone already
            }
            connection = null;
        }
    }
}
