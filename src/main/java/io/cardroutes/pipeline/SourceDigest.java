package io.cardroutes.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The fingerprint of an input file's bytes, part of the default requestId of its records
 * ({@code <file name>@<digest>#<record number>}): the same file dropped again is a replay of the
 * same requests, and a different file under the same name (tomorrow's {@code cards.csv}) is new.
 */
public class SourceDigest {

    /** Hex characters of SHA-256 kept: 12 (48 bits) tell a partner's files apart. */
    static final int LENGTH = 12;

    /** Reads the file at {@code path} once, as a stream, whatever its size. */
    public String of(String path) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
        }
        return shortHex(sha);
    }

    /** The same fingerprint of a file's content already read (an SFTP download has no local path). */
    public String ofContent(byte[] content) {
        MessageDigest sha = sha256();
        sha.update(content);
        return shortHex(sha);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shortHex(MessageDigest sha) {
        return HexFormat.of().formatHex(sha.digest()).substring(0, LENGTH);
    }
}
