package io.cardroutes.sftp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * The partner's SFTP server (Apache MINA SSHD) on a port of this machine, serving the folder {@link #root}:
 * one host key for its whole life (kept across {@link #stop()} and {@link #start()}), and one user who logs
 * in with the bundle's key pair or a password. It counts every login attempt, so a test can tell that none was sent.
 */
final class PartnerSftpServer implements AutoCloseable {

    static final String USER = "partner";
    static final String PASSWORD = "not-the-sftp-password";

    final Path root;
    final int port;
    final KeyPair hostKey = ecKeyPair();
    final KeyPair clientKey = ecKeyPair();
    final AtomicInteger loginAttempts = new AtomicInteger();
    private SshServer server;

    PartnerSftpServer(Path root, int port) throws IOException {
        this.root = root;
        this.port = port;
        Files.createDirectories(root.resolve("inbox"));
        Files.createDirectories(root.resolve("outbox"));
    }

    void start() throws IOException {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(port);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setFileSystemFactory(new VirtualFileSystemFactory(root));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.setPasswordAuthenticator((user, password, session) -> {
            loginAttempts.incrementAndGet();
            return USER.equals(user) && PASSWORD.equals(password);
        });
        server.setPublickeyAuthenticator((user, key, session) -> {
            loginAttempts.incrementAndGet();
            return USER.equals(user) && KeyUtils.compareKeys(key, clientKey.getPublic());
        });
        server.start();
    }

    void stop() throws IOException {
        server.stop(true);
    }

    /** The known_hosts line of this server's host key, as ssh-keyscan would print it. */
    String knownHostsLine() {
        return "[localhost]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n";
    }

    /** The bundle's private key as an OpenSSH key file, encrypted with {@code passphrase}. */
    void writeClientKey(Path file, String passphrase) throws IOException, GeneralSecurityException {
        OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
        encryption.setPassword(passphrase);
        encryption.setCipherType("256");
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "enkash-card-routes", encryption, out);
        }
    }

    /** Uploads a file as the partner must: under a temporary name first, then renamed into the inbox. */
    Path upload(String name, String content) throws IOException {
        return upload("inbox", name, content);
    }

    Path upload(String folder, String name, String content) throws IOException {
        Path part = root.resolve(folder).resolve(name + ".part");
        Files.createDirectories(part.getParent());
        Files.writeString(part, content, StandardCharsets.UTF_8);
        return Files.move(part, root.resolve(folder).resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.stop(true);
        }
    }

    private static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
