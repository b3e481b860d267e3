package io.cardroutes.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * The OAuth token endpoint (password grant behind HTTP Basic client credentials) and the tokens it
 * issued: the credentials check, the account lockout after {@link EnkashSandbox#LOCKOUT_THRESHOLD}
 * failed logins in a row, queued token faults, and the bearer check of Create and search calls.
 */
final class SandboxLogins implements SandboxServer.Endpoint {

    private final SandboxSettings settings;
    private final Clock clock;
    private final byte[] clientIdBytes;
    private final byte[] clientSecretBytes;
    private final byte[] usernameBytes;
    private final byte[] passwordBytes;

    private final ConcurrentHashMap<String, Instant> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger consecutiveFailedLogins = new AtomicInteger();
    private final Object loginCount = new Object();
    private int longestFailedLoginRun;
    private int failedLogins;
    private final ConcurrentLinkedQueue<Fault> tokenFaults = new ConcurrentLinkedQueue<>();
    private final AtomicInteger tokenCalls = new AtomicInteger();
    private final AtomicInteger rejectedTokenCalls = new AtomicInteger();

    SandboxLogins(SandboxSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.clientIdBytes = bytes(settings.clientId());
        this.clientSecretBytes = bytes(settings.clientSecret());
        this.usernameBytes = bytes(settings.username());
        this.passwordBytes = bytes(settings.password());
    }

    void enqueue(Fault fault) {
        if (fault.kind() != Fault.Kind.STATUS && fault.kind() != Fault.Kind.TOKEN_WITHOUT_ACCESS_TOKEN
                && fault.kind() != Fault.Kind.TOKEN_NOT_JSON) {
            throw new IllegalArgumentException(fault + " is not a token fault");
        }
        tokenFaults.add(fault);
    }

    int longestFailedLoginRun() {
        synchronized (loginCount) {
            return longestFailedLoginRun;
        }
    }

    int failedLogins() {
        synchronized (loginCount) {
            return failedLogins;
        }
    }

    int tokenCalls() {
        return tokenCalls.get();
    }

    int rejectedTokenCalls() {
        return rejectedTokenCalls.get();
    }

    void expireAllTokens() {
        tokens.replaceAll((token, expiry) -> Instant.MIN);
    }

    /** Forgets tokens, token faults, counters and the lockout. */
    void reset() {
        tokens.clear();
        consecutiveFailedLogins.set(0);
        tokenFaults.clear();
        synchronized (loginCount) {
            longestFailedLoginRun = 0;
            failedLogins = 0;
        }
        tokenCalls.set(0);
        rejectedTokenCalls.set(0);
    }

    /** The answer to a token call. */
    @Override
    public Answer answer(HttpExchange exchange, byte[] raw) {
        tokenCalls.incrementAndGet();
        Map<String, String> form = parseForm(exchange.getRequestURI().getRawQuery());
        form.putAll(parseForm(new String(raw, StandardCharsets.UTF_8)));
        Fault fault = tokenFaults.poll();
        Answer answer = fault != null ? tokenFault(fault) : issueToken(exchange, form);
        if (answer.status() != 200) {
            rejectedTokenCalls.incrementAndGet();
        }
        countLogin(fault == null && answer.status() == 200, same(clientIdBytes, form.get("clientId")));
        return answer.withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache");
    }

    /** Null when this Authorization header carries a token issued here and not expired, else the 401 to give. */
    Answer checkBearer(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return invalidToken("unauthorized", "Full authentication is required to access this resource");
        }
        Instant expiry = tokens.get(authorization.substring(7).trim());
        if (expiry == null) {
            return invalidToken("invalid_token", "Invalid access token");
        }
        if (!clock.instant().isBefore(expiry)) {
            return invalidToken("invalid_token", "Access token expired");
        }
        return null;
    }

    /** Like EnKash: every login of the account's client that yields no token counts towards the lockout. */
    private void countLogin(boolean success, boolean ourClient) {
        synchronized (loginCount) {
            if (success) {
                consecutiveFailedLogins.set(0);
                return;
            }
            failedLogins++;
            if (ourClient) {
                longestFailedLoginRun = Math.max(longestFailedLoginRun, consecutiveFailedLogins.incrementAndGet());
            }
        }
    }

    private Answer tokenFault(Fault fault) {
        return switch (fault.kind()) {
            case TOKEN_WITHOUT_ACCESS_TOKEN -> new Answer(200, "{\"token_type\":\"bearer\",\"expires_in\":"
                    + settings.tokenLifetimeSeconds() + "}");
            case TOKEN_NOT_JSON -> new Answer(200, "<html><body>Request blocked</body></html>");
            default -> Answer.status(fault.httpStatus(), fault.retryAfterSeconds());
        };
    }

    private Answer issueToken(HttpExchange exchange, Map<String, String> form) {
        if (!validBasicAuth(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return new Answer(401, Answer.oauthError("unauthorized", "Bad client credentials"))
                    .withHeader("WWW-Authenticate", "Basic realm=\"oauth2/client\"");
        }
        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isEmpty()) {
            return new Answer(400, Answer.oauthError("invalid_request", "Missing grant type"));
        }
        if (!"password".equals(grantType)) {
            return new Answer(400, Answer.oauthError("unsupported_grant_type", "Unsupported grant type: " + grantType));
        }
        if (!same(clientIdBytes, form.get("clientId"))) {
            return new Answer(401, Answer.oauthError("unauthorized", "Bad client credentials"));
        }
        if (consecutiveFailedLogins.get() >= EnkashSandbox.LOCKOUT_THRESHOLD) {
            return new Answer(400, Answer.oauthError("invalid_grant", "User account is locked"));
        }
        if (!same(usernameBytes, form.get("username")) || !same(passwordBytes, form.get("password"))) {
            return new Answer(400, Answer.oauthError("invalid_grant", "Bad credentials"));
        }
        String accessToken = UUID.randomUUID().toString();
        tokens.put(accessToken, clock.instant().plusSeconds(settings.tokenLifetimeSeconds()));
        ObjectNode body = Answer.JSON.createObjectNode();
        body.put("access_token", accessToken);
        body.put("token_type", "bearer");
        body.put("refresh_token", UUID.randomUUID().toString());
        body.put("expires_in", settings.tokenLifetimeSeconds());
        body.put("scope", "read write");
        return new Answer(200, body.toString());
    }

    private boolean validBasicAuth(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        // evaluate both, so the answer time does not tell which part was wrong
        boolean idOk = same(clientIdBytes, decoded.substring(0, colon));
        boolean secretOk = same(clientSecretBytes, decoded.substring(colon + 1));
        return idOk & secretOk;
    }

    private static Answer invalidToken(String error, String description) {
        return new Answer(401, Answer.oauthError(error, description))
                .withHeader("WWW-Authenticate", "Bearer realm=\"oauth\", error=\"" + error
                        + "\", error_description=\"" + description + "\"");
    }

    private static Map<String, String> parseForm(String text) {
        Map<String, String> form = new HashMap<>();
        if (text == null || text.isEmpty()) {
            return form;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                form.putIfAbsent(name, value);
            } catch (IllegalArgumentException badEscape) {
                // ignore a malformed pair, as a servlet container would
            }
        }
        return form;
    }

    private static byte[] bytes(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean same(byte[] expected, String given) {
        return given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
    }
}
