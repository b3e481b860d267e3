package io.cardroutes.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real SMTP front for a mail server under test (GreenMail), which cannot be told to refuse: it
 * passes connections through to it, except that while refusals are armed it answers a connection
 * itself and refuses its MAIL FROM with the armed reply ({@code 451} to try later, {@code 550} for good).
 */
public final class SmtpFront implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final AtomicInteger armed = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile int code = 451;

    public SmtpFront(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "smtp-front");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next {@code times} connections get {@code replyCode} to their MAIL FROM. */
    public void refuse(int times, int replyCode) {
        code = replyCode;
        armed.set(times);
    }

    /** Connections refused so far. */
    public int refused() {
        return refused.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                boolean refuse = armed.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                Thread t = new Thread(() -> serve(client, refuse), "smtp-front-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client, boolean refuse) {
        try (client) {
            if (refuse) {
                refuseMail(client);
            } else {
                try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target)) {
                    Thread back = pipe(upstream.getInputStream(), client.getOutputStream());
                    client.getInputStream().transferTo(upstream.getOutputStream());
                    upstream.shutdownOutput();
                    back.join(10_000);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    private void refuseMail(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII);
        reply(out, "220 smtp-front ESMTP");
        for (String line; (line = in.readLine()) != null; ) {
            String command = line.length() < 4 ? line.toUpperCase() : line.substring(0, 4).toUpperCase();
            switch (command) {
                case "EHLO", "HELO", "RSET", "NOOP" -> reply(out, "250 OK");
                case "MAIL" -> {
                    refused.incrementAndGet();
                    reply(out, code + (code < 500 ? " 4.3.0 Try again later" : " 5.7.1 Not accepted here"));
                }
                case "QUIT" -> {
                    reply(out, "221 Bye");
                    return;
                }
                default -> reply(out, "503 5.5.1 Bad sequence of commands");
            }
        }
    }

    private static void reply(PrintWriter out, String line) {
        out.print(line + "\r\n");
        out.flush();
    }

    private static Thread pipe(InputStream from, OutputStream to) {
        Thread t = new Thread(() -> {
            try {
                from.transferTo(to);
            } catch (IOException e) {
                // closed
            }
        }, "smtp-front-pipe");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
