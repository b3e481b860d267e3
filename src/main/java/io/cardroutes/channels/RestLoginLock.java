package io.cardroutes.channels;

import java.util.LinkedHashMap;
import java.util.Map;

import io.cardroutes.enkash.TokenProvider;

/** The REST channel's operator call {@code POST /enkash/login-lock/clear}: the JMX clearLoginLock over HTTP. */
public class RestLoginLock {

    private final TokenProvider tokens;

    public RestLoginLock(TokenProvider tokens) {
        this.tokens = tokens;
    }

    /** Clears the failed-login count; the answer says what was cleared and the count now. */
    public Map<String, Object> clear() {
        int cleared = tokens.clearLoginLock();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cleared", cleared);
        body.put("failedLogins", tokens.failedLogins());
        body.put("maxFailedLogins", tokens.maxFailedLogins());
        body.put("loginLocked", tokens.isLoginLocked());
        return body;
    }
}
