package io.cardroutes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** One user and password, checked in constant time: the time taken tells nothing about which part was wrong. */
public final class Login {

    private final byte[] user;
    private final byte[] password;

    public Login(String user, String password) {
        this.user = bytes(user);
        this.password = bytes(password);
    }

    public boolean matches(String givenUser, String givenPassword) {
        boolean userMatches = MessageDigest.isEqual(user, bytes(givenUser));
        boolean passwordMatches = MessageDigest.isEqual(password, bytes(givenPassword));
        return userMatches & passwordMatches;
    }

    private static byte[] bytes(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }
}
