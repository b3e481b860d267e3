package io.cardroutes.file;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.OutsideEnkash;
import io.cardroutes.support.RunDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two bundles on one PostgreSQL database (the machine's server, a database of its own for this run)
 * polling the same inbox folder, as several instances on a shared (NFS) folder do, the second starting
 * while the first reads a file: every file is taken by one of them only, so each file has one results file
 * and one batch, and EnKash (a sandbox outside both) one card per request.
 */
class SharedInboxTest {

    private static final int FILES = 20;
    private static final int PER_FILE = 3;
    private static final int BIG = 300;

    @TempDir
    Path dir;

    @Test
    void two_bundles_on_one_inbox_take_each_file_once() throws Exception {
        RunDatabase database = new RunDatabase("cards_shared");
        EnkashSandbox enkash = OutsideEnkash.start(100, 16);
        Path inbox = Files.createDirectories(dir.resolve("shared-inbox"));
        Map<String, String> slow = new HashMap<>(settings("shared-one", inbox, database, enkash));
        slow.put("app.pipeline.concurrency", "2"); // its first file is still being read when the second starts
        try (Bundle one = Bundle.start(slow)) {
            drop(inbox, "big.csv", csv(1000, 1000 + BIG));
            await("the first bundle reading big.csv").atMost(Duration.ofSeconds(60))
                    .until(() -> enkash.createCalls() >= 4);
            assertThat(one.query("select messageId from taken_file")).as("big.csv's read lock, in the database")
                    .extracting(row -> (String) row.get("messageid")).singleElement(as(STRING))
                    .startsWith("file:big.csv-");
            // a second instance starting beside it puts back only its own unfinished files, not big.csv
            try (Bundle two = Bundle.start(settings("shared-two", inbox, database, enkash))) {
                for (int f = 0; f < FILES; f++) {
                    drop(inbox, "f" + f + ".csv", csv(f * PER_FILE, (f + 1) * PER_FILE));
                }
                await("a results file for every file").atMost(Duration.ofSeconds(120))
                        .until(() -> results(one, two).size() >= FILES + 1);
                await("the inbox emptied").atMost(Duration.ofSeconds(10)).until(() -> inputsLeft(inbox).isEmpty());

                List<String> results = results(one, two);
                System.out.println("results in the first bundle's outbox: " + names(one.outbox).size()
                        + ", in the second's: " + names(two.outbox).size());
                assertThat(results).as("one results file per input file").hasSize(FILES + 1).doesNotHaveDuplicates()
                        .allMatch(name -> name.matches("(f\\d+|big)\\.csv\\.results\\.json"));
                List<Map<String, Object>> batches = one.query(
                        "select source, count(*) as n from card_batch where channel = 'FILE' group by source");
                assertThat(batches).as("one batch per file").hasSize(FILES + 1)
                        .allSatisfy(b -> assertThat(((Number) b.get("n")).intValue()).isEqualTo(1));
                int requests = FILES * PER_FILE + BIG;
                Map<String, Integer> cardsPerMobile = new HashMap<>();
                enkash.cards().forEach(c -> cardsPerMobile.merge((String) c.get("mobile"), 1, Integer::sum));
                assertThat(cardsPerMobile).hasSize(requests);
                assertThat(cardsPerMobile.values()).as("cards per person").containsOnly(1);
                assertThat(enkash.createCalls()).as("one Create call per request").isEqualTo(requests);
                await("every read lock released").atMost(Duration.ofSeconds(10))
                        .until(() -> one.query("select messageId from taken_file").isEmpty());
            }
        } finally {
            enkash.stop();
            database.close();
        }
    }

    private void drop(Path inbox, String name, String content) throws Exception {
        Path part = dir.resolve(name + ".part");
        Files.writeString(part, content);
        Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String csv(int from, int to) {
        StringBuilder csv = new StringBuilder("requestId,firstName,lastName,mobile,email\n");
        for (int n = from; n < to; n++) {
            csv.append(String.format("SH-%04d,F%04d,L%04d,95%08d,s%04d@example.com%n", n, n, n, n, n));
        }
        return csv.toString();
    }
    private static Map<String, String> settings(String instance, Path inbox, RunDatabase database, EnkashSandbox enkash) {
        return Map.of(
                "app.instance-name", instance,
                "app.inbox", inbox.toString(),
                "app.db.url", database.url(),
                "app.db.user", "postgres",
                "enkash.sandbox.enabled", "false",
                "enkash.base-url", "http://localhost:" + enkash.port());
    }

    private static List<String> results(Bundle one, Bundle two) throws Exception {
        List<String> all = new ArrayList<>(names(one.outbox));
        all.addAll(names(two.outbox));
        return all;
    }

    private static List<String> names(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".results.json")).toList();
        }
    }

    private static List<Path> inputsLeft(Path inbox) throws Exception {
        try (Stream<Path> files = Files.walk(inbox)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.startsWith(inbox.resolve(".done"))).toList();
        }
    }
}
