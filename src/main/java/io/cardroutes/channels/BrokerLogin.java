package io.cardroutes.channels;

import java.util.Set;

import io.cardroutes.Login;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * The embedded broker's one login (app.broker.user / app.broker.password). Whoever logs in with it may
 * do everything: it is the bundle's own broker, shared with no one else.
 */
final class BrokerLogin implements ActiveMQSecurityManager {

    private final Login login;

    BrokerLogin(String user, String password) {
        this.login = new Login(user, password);
    }

    @Override
    public boolean validateUser(String user, String password) {
        return login.matches(user, password);
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return login.matches(user, password);
    }
}
