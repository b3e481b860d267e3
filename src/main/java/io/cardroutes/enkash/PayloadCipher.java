package io.cardroutes.enkash;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * EnKash's payload encryption: AES-128/ECB/PKCS5 with the key taken as the first 16 bytes of
 * SHA-256(secret key), Base64 text wrapped as {"request":"..."} in both directions.
 * ECB is what EnKash specifies; it is deterministic, so ciphertext is never logged.
 */
public final class PayloadCipher {

    public static final String ENVELOPE_FIELD = "request";
    private static final String TRANSFORMATION = "AES/ECB/PKCS5Padding";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecretKeySpec key;

    public PayloadCipher(String secretKey) {
        if (secretKey == null || secretKey.isEmpty()) {
            throw new IllegalArgumentException("EnKash encryption is enabled but no secret key is configured "
                    + "(set ENKASH_ENCRYPTION_SECRET_KEY or ENKASH_CLIENT_SECRET)");
        }
        this.key = new SecretKeySpec(deriveKey(secretKey), "AES");
    }

    static byte[] deriveKey(String secretKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secretKey.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Encrypts a JSON text and returns the envelope {"request":"<base64>"}. */
    public String wrap(String json) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put(ENVELOPE_FIELD, encrypt(json));
        return envelope.toString();
    }

    /**
     * Returns the plain JSON inside an envelope, or the text unchanged when it is not an
     * envelope (EnKash answers some errors in clear even for encrypting partners).
     */
    public String unwrap(String body) {
        if (body == null || body.isBlank()) {
            return body;
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isObject() && node.size() == 1 && node.path(ENVELOPE_FIELD).isTextual()) {
                return decrypt(node.get(ENVELOPE_FIELD).asText());
            }
        } catch (java.io.IOException notJson) {
            // not JSON: hand it back as it is, the caller reports it as unreadable
        }
        return body;
    }

    public String encrypt(String plain) {
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key);
            return Base64.getEncoder().encodeToString(cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not encrypt the EnKash payload", e);
        }
    }

    public String decrypt(String base64) {
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key);
            return new String(cipher.doFinal(Base64.getDecoder().decode(base64)), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // the message names neither the key nor the ciphertext
            throw new IllegalStateException("could not decrypt an EnKash payload: wrong key or not EnKash's encryption");
        }
    }
}
