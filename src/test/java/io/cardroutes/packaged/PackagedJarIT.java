package io.cardroutes.packaged;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two-minute walk-through of README, on the packaged jar, configured by environment variables only. */
class PackagedJarIT {

    @TempDir
    Path home;

    @Test
    void the_packaged_jar_creates_the_example_cards_from_the_inbox() throws Exception {
        try (PackagedJar jar = new PackagedJar(home)) {
            Duration ready = jar.start();
            System.out.println("packaged bundle healthy after " + ready.toMillis() + " ms");

            for (String example : new String[] {"gift-cards.csv", "meal-card.json"}) {
                Path part = home.resolve(example + ".part");
                Files.copy(Path.of("examples", example), part);
                Files.move(part, jar.inbox.resolve(example), StandardCopyOption.ATOMIC_MOVE);
            }
            Path csvResults = jar.outbox.resolve("gift-cards.csv.results.json");
            Path jsonResults = jar.outbox.resolve("meal-card.json.results.json");
            await("results of the examples").atMost(Duration.ofSeconds(60))
                    .until(() -> Files.exists(csvResults) && Files.exists(jsonResults));

            JsonNode csv = new ObjectMapper().readTree(csvResults.toFile());
            assertThat(csv).extracting(n -> n.get("status").asText()).containsExactly("CREATED", "CREATED", "REJECTED");
            JsonNode json = new ObjectMapper().readTree(jsonResults.toFile());
            assertThat(json.get(0).get("status").asText()).isEqualTo("CREATED");
            assertThat(Files.readString(jar.log)).contains("EnKash target http://localhost:" + jar.sandboxPort);
        }
    }

    @Test
    void the_launcher_records_a_class_data_archive_on_its_first_stop_and_starts_from_it_next_time() throws Exception {
        launcherArchive(Path.of(System.getProperty("java.home")), Runtime.version().feature());
    }

    /** JAVA_HOME at a JDK 25 or later (one under /usr/lib/jvm, or -Djdk25.home): its AOT cache instead of AppCDS. */
    @Test
    void on_a_jdk_25_the_launcher_records_and_uses_an_aot_cache() throws Exception {
        Path jdk = PackagedJar.newerJdk();
        Assumptions.assumeTrue(jdk != null, "no JDK 25 or later here (-Djdk25.home)");
        launcherArchive(jdk, 25);
    }

    private void launcherArchive(Path javaHome, int feature) throws Exception {
        boolean aot = feature >= 25;
        Path cds = home.resolve("cds");
        Path archive = cds.resolve(aot ? "enkash-card-routes.aot" : "enkash-card-routes.jsa");
        try (PackagedJar first = new PackagedJar(home).env("APP_CDS_DIR", cds.toString())
                .env("JAVA_HOME", javaHome.toString())) {
            first.startWithLauncher();
            assertThat(commandLine(first.pid())).contains((aot ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive);
            assertThat(first.stop()).isIn(0, 143); // SIGTERM: Camel stops, then the JVM writes the archive
        }
        assertThat(archive).isRegularFile();
        assertThat(Files.size(archive)).isGreaterThan(10_000_000L);

        try (PackagedJar again = new PackagedJar(home).env("APP_CDS_DIR", cds.toString())
                .env("JAVA_HOME", javaHome.toString())) {
            Duration ready = again.startWithLauncher();
            System.out.println("bundle healthy after " + ready.toMillis() + " ms with its class-data archive (" + archive + ")");
            assertThat(commandLine(again.pid())).contains((aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive);
            Path part = home.resolve("meal-card.json.part");
            Files.copy(Path.of("examples", "meal-card.json"), part);
            Files.move(part, again.inbox.resolve("meal-card.json"), StandardCopyOption.ATOMIC_MOVE);
            Path results = again.outbox.resolve("meal-card.json.results.json");
            await("results").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(results));
            assertThat(new ObjectMapper().readTree(results.toFile()).get(0).get("status").asText()).isEqualTo("CREATED");
        }
    }

    /** The launcher execs java, so the process it started is the JVM itself. */
    private static String commandLine(long pid) throws Exception {
        return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    }
}
