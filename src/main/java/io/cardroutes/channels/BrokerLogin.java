package io.cardroutes.channels;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * The embedded broker's one login (app.broker.user / app.broker.password), compared in constant time.
 * Whoever logs in with it may do everything: it is the bundle's own broker, shared with no one else.
 */
final class BrokerLogin implements ActiveMQSecurityManager {

    private final byte[] user;
    private final byte[] password;

    BrokerLogin(String user, String password) {
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.password = password.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean validateUser(String givenUser, String givenPassword) {
        boolean userMatches = MessageDigest.isEqual(user, bytes(givenUser));
        boolean passwordMatches = MessageDigest.isEqual(password, bytes(givenPassword));
        return userMatches & passwordMatches;
    }

    @Override
    public boolean validateUserAndRole(String givenUser, String givenPassword, Set<Role> roles, CheckType checkType) {
        return validateUser(givenUser, givenPassword);
    }

    private static byte[] bytes(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }
}
