package io.cardroutes.enkash;

/** Puts request bodies into EnKash's form and takes answers out of it: plain JSON, or the AES envelope when enabled. */
public class EnkashCodec {

    private final PayloadCipher cipher;

    public EnkashCodec(EnkashSettings settings) {
        this(settings.encryptionEnabled() ? new PayloadCipher(settings.encryptionSecretKey()) : null);
    }

    /** With this cipher, or plain JSON when it is null. */
    public EnkashCodec(PayloadCipher cipher) {
        this.cipher = cipher;
    }

    public boolean encrypting() {
        return cipher != null;
    }

    public String encode(String json) {
        return cipher == null ? json : cipher.wrap(json);
    }

    public String decode(String body) {
        return cipher == null ? body : cipher.unwrap(body);
    }
}
