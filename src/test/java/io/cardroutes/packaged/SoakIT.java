package io.cardroutes.packaged;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.OutsideEnkash;
import io.cardroutes.support.PrivatePlace;
import io.cardroutes.support.RunDatabase;
import jakarta.jms.Session;
import jakarta.jms.MessageProducer;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak test (profile {@code soak}: {@code mvn -B verify -Psoak}): an Artemis broker in a JVM of its own,
 * the machine's PostgreSQL (a database of its own for this run) and three packaged bundles sharing both and
 * one inbox folder. 3,000 requests arrive through JMS, REST batches and the shared inbox; one bundle is
 * killed (SIGKILL) in the middle and started again. Every request ends CREATED, once, and EnKash (a sandbox
 * in this JVM) holds exactly one card per request.
 */
class SoakIT {

    private static final int JMS = 1000;
    private static final int BATCHES = 10;
    private static final int PER_BATCH = 100;
    private static final int FILES = 20;
    private static final int PER_FILE = 50;
    private static final int REQUESTS = JMS + BATCHES * PER_BATCH + FILES * PER_FILE;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void three_bundles_a_kill_and_3000_requests_through_jms_rest_and_a_shared_inbox_give_one_card_each()
            throws Exception {
        long began = System.nanoTime();
        RunDatabase database = new RunDatabase("cards_soak");
        int brokerPort = PrivatePlace.freePort();
        Process broker = startBroker(brokerPort);
        EnkashSandbox enkash = OutsideEnkash.start(50, 64);
        Path inbox = Files.createDirectories(dir.resolve("shared-inbox"));
        List<PackagedJar> jars = new ArrayList<>();
        ExecutorService starts = Executors.newFixedThreadPool(3);
        try {
            for (int i = 1; i <= 3; i++) {
                jars.add(jar(i, database, brokerPort, inbox, enkash));
            }
            List<Future<Duration>> started = new ArrayList<>();
            for (PackagedJar jar : jars) {
                started.add(starts.submit(() -> jar.start()));
            }
            for (Future<Duration> s : started) {
                s.get();
            }
            System.out.println("soak: three bundles up after " + seconds(began) + " s");
            // no bundle has an EnKash token yet: all three log in at the same moment when the load arrives, and the
            // login guard (enkash.token.max-rejected-logins = 2) holds the third back until one of them has its token
            sendJms(brokerPort);
            for (int b = 0; b < BATCHES; b++) {
                postBatch(jars.get(b % 3), b);
            }
            for (int f = 0; f < FILES; f++) {
                Path part = dir.resolve("soak-" + f + ".csv.part");
                Files.writeString(part, csv(f));
                Files.move(part, inbox.resolve("soak-" + f + ".csv"), StandardCopyOption.ATOMIC_MOVE);
            }

            await("a third of the Create calls").atMost(Duration.ofMinutes(5))
                    .until(() -> enkash.createCalls() >= REQUESTS / 3);
            PackagedJar victim = jars.get(1);
            victim.kill();
            int atKill = enkash.createCalls();
            System.out.println("soak: killed bundle 2 at " + atKill + " Create calls, " + seconds(began) + " s");
            assertThat(atKill).as("killed in the middle").isLessThan(REQUESTS);
            victim.start();
            System.out.println("soak: bundle 2 up again after " + seconds(began) + " s");

            await("every request final").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> database.count("select count(*) from card_request") >= REQUESTS
                            && database.count("select count(*) from card_request where status in ('SENDING', 'VERIFYING')")
                            == 0);
            await("every batch and file done").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> database.count("select count(*) from card_batch where status = 'DONE'")
                            >= BATCHES + FILES && results(jars).size() >= FILES);
            System.out.println("soak: all final after " + seconds(began) + " s");

            assertThat(database.statuses()).as("every request once, CREATED").containsExactly(
                    Map.entry("CREATED", REQUESTS));
            Map<String, Integer> cardsPerMobile = new HashMap<>();
            enkash.cards().forEach(c -> cardsPerMobile.merge((String) c.get("mobile"), 1, Integer::sum));
            assertThat(cardsPerMobile.keySet()).as("a card for every request, none other")
                    .containsExactlyInAnyOrderElementsOf(mobiles());
            assertThat(cardsPerMobile.values()).as("cards per person").containsOnly(1);
            assertThat(database.count("select count(*) from card_request where channel = 'JMS'"))
                    .as("every JMS request once").isEqualTo(JMS);
            assertThat(database.count("select count(*) from card_request where channel = 'REST'"))
                    .as("every REST batch request once").isEqualTo(BATCHES * PER_BATCH);
            assertThat(database.count("select count(*) from card_request where channel = 'FILE'"))
                    .as("every inbox request once").isEqualTo(FILES * PER_FILE);
            assertThat(database.count("select count(*) from card_batch where channel = 'REST' and status = 'DONE'"))
                    .as("every REST batch DONE").isEqualTo(BATCHES);
            assertThat(database.count("select count(*) from card_batch where channel = 'REST'"))
                    .as("no REST batch twice").isEqualTo(BATCHES);
            assertThat(database.count("select count(distinct source) from card_batch where channel = 'FILE'"))
                    .as("every file read").isEqualTo(FILES);
            assertThat(results(jars)).as("one results file per file").hasSize(FILES).doesNotHaveDuplicates()
                    .allMatch(name -> name.matches("soak-\\d+\\.csv\\.results\\.json"));
        } finally {
            starts.shutdownNow();
            for (PackagedJar jar : jars) {
                jar.close();
            }
            enkash.stop();
            broker.destroy();
            broker.waitFor();
            database.close();
            System.out.println("soak: took " + seconds(began) + " s in all");
        }
    }

    /** Artemis in a JVM of its own, on the test classpath; returns once it accepts connections. */
    private Process startBroker(int port) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve("broker.log");
        Process broker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, SoakBroker.class.getName(), String.valueOf(port),
                dir.resolve("broker").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await("the broker JVM listening (see " + log + ")").atMost(Duration.ofSeconds(120))
                .failFast(() -> {
                    if (!broker.isAlive()) {
                        throw new IllegalStateException("the broker exited; see " + log);
                    }
                })
                .until(() -> {
                    try (Socket socket = new Socket("localhost", port)) {
                        return true;
                    } catch (java.io.IOException notYet) {
                        return false;
                    }
                });
        return broker;
    }

    private PackagedJar jar(int n, RunDatabase database, int brokerPort, Path inbox, EnkashSandbox enkash) throws Exception {
        return new PackagedJar(Files.createDirectories(dir.resolve("bundle-" + n)))
                .env("APP_INSTANCE_NAME", "soak-" + n)
                .env("APP_INBOX", inbox.toString())
                .env("APP_BROKER_URL", "tcp://localhost:" + brokerPort + "?useEpoll=false")
                .env("APP_DB_URL", database.url())
                .env("APP_DB_USER", "postgres")
                .env("APP_LEASE_DURATION_MS", "5000")
                .env("APP_LEASE_RENEW_MS", "1000")
                .env("APP_RECOVERY_PERIOD_MS", "1000")
                .env("APP_BATCH_WORK_RETRY_DELAY_MS", "2000")
                .env("ENKASH_RECONCILE_GRACE_MS", "0")
                .env("ENKASH_SANDBOX_ENABLED", "false")
                .env("ENKASH_BASE_URL", "http://localhost:" + enkash.port());
    }

    private static void sendJms(int brokerPort) throws Exception {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(
                "tcp://localhost:" + brokerPort + "?useEpoll=false");
             jakarta.jms.Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("enkash.cards.requests"));
            for (int i = 0; i < JMS; i++) {
                producer.send(session.createTextMessage(String.format("{\"requestId\":\"SOAK-J-%04d\","
                        + "\"firstName\":\"J%04d\",\"lastName\":\"L%04d\",\"mobile\":\"91%08d\","
                        + "\"email\":\"j%04d@example.com\"}", i, i, i, i, i)));
            }
        }
    }

    private void postBatch(PackagedJar jar, int batch) throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (int i = batch * PER_BATCH; i < (batch + 1) * PER_BATCH; i++) {
            body.append(body.length() == 1 ? "" : ",").append(String.format("{\"firstName\":\"R%04d\","
                    + "\"lastName\":\"L%04d\",\"mobile\":\"92%08d\",\"email\":\"r%04d@example.com\"}", i, i, i, i));
        }
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + jar.httpPort + "/api/v1/cards/batch"))
                .header("X-API-Key", "demo-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.append("]").toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as("batch " + batch + " accepted: " + accepted.body()).isEqualTo(202);
    }

    /** The mobile of every request sent: JMS 91…, REST 92…, inbox 93…, as in the bodies above. */
    private static List<String> mobiles() {
        List<String> mobiles = new ArrayList<>();
        for (int i = 0; i < JMS; i++) {
            mobiles.add(String.format("91%08d", i));
        }
        for (int i = 0; i < BATCHES * PER_BATCH; i++) {
            mobiles.add(String.format("92%08d", i));
        }
        for (int i = 0; i < FILES * PER_FILE; i++) {
            mobiles.add(String.format("93%08d", i));
        }
        return mobiles;
    }

    private static String csv(int file) {
        StringBuilder csv = new StringBuilder("requestId,firstName,lastName,mobile,email\n");
        for (int i = file * PER_FILE; i < (file + 1) * PER_FILE; i++) {
            csv.append(String.format("SOAK-F-%04d,F%04d,L%04d,93%08d,f%04d@example.com%n", i, i, i, i, i));
        }
        return csv.toString();
    }

    private static List<String> results(List<PackagedJar> jars) throws Exception {
        List<String> names = new ArrayList<>();
        for (PackagedJar jar : jars) {
            if (Files.isDirectory(jar.outbox)) {
                try (Stream<Path> files = Files.list(jar.outbox)) {
                    files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".results.json"))
                            .forEach(names::add);
                }
            }
        }
        return names;
    }

    private static long seconds(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toSeconds();
    }
}
