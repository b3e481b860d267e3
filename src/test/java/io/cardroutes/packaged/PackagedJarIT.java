package io.cardroutes.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.support.Bundle;
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
            Path csvResults = jar.outbox.resolve("gift-cards.results.json");
            Path jsonResults = jar.outbox.resolve("meal-card.results.json");
            Bundle.await(() -> Files.exists(csvResults) && Files.exists(jsonResults), Duration.ofSeconds(60),
                    "results of the examples");

            JsonNode csv = new ObjectMapper().readTree(csvResults.toFile());
            assertThat(csv).extracting(n -> n.get("status").asText()).containsExactly("CREATED", "CREATED", "REJECTED");
            JsonNode json = new ObjectMapper().readTree(jsonResults.toFile());
            assertThat(json.get(0).get("status").asText()).isEqualTo("CREATED");
            assertThat(Files.readString(jar.log)).contains("EnKash target http://localhost:" + jar.sandboxPort);
        }
    }
}
