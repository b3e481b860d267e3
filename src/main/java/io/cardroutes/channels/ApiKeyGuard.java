package io.cardroutes.channels;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Admits a REST call only with one of the configured keys in the {@value #HEADER} header. A key in the
 * query string is refused (query strings end up in access logs and proxies), and since platform-http
 * turns query parameters into headers too, the guard looks at the raw query itself. Keys are compared as
 * SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken says nothing about how much
 * of a key was right, and the header is removed once checked, so the key travels no further.
 */
public class ApiKeyGuard {

    public static final String HEADER = "X-API-Key";

    private final List<byte[]> keys;

    public ApiKeyGuard(Collection<String> keys) {
        this.keys = keys.stream().map(ApiKeyGuard::digest).toList();
    }

    public int keyCount() {
        return keys.size();
    }

    public void check(Exchange exchange) {
        Message message = exchange.getMessage();
        String given = message.getHeader(HEADER, String.class);
        message.removeHeader(HEADER);
        if (inQuery(message.getHeader(Exchange.HTTP_QUERY, String.class))) {
            throw new ApiKeyRejectedException("the key was sent in the query string; send it in the " + HEADER
                    + " header only");
        }
        if (given == null || given.isBlank()) {
            throw new ApiKeyRejectedException("the " + HEADER + " header is missing");
        }
        if (!known(given.trim())) {
            throw new ApiKeyRejectedException("the " + HEADER + " header holds no valid key");
        }
    }

    private static boolean inQuery(String query) {
        if (query == null || query.isEmpty()) {
            return false;
        }
        for (String pair : query.split("&")) {
            String name = pair.split("=", 2)[0];
            try {
                name = URLDecoder.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                // compared as sent
            }
            if (HEADER.equalsIgnoreCase(name.trim())) {
                return true;
            }
        }
        return false;
    }

    boolean known(String given) {
        byte[] candidate = digest(given);
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(candidate, key); // no early exit: every key is compared
        }
        return match;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
