package io.cardroutes.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.OutsideEnkash;
import org.junit.jupiter.api.Test;

/**
 * A file an earlier run left in progress comes back into the inbox at start; when its name is taken meanwhile
 * it comes back as {@code <name>-unfinished-<folder>.<ext>}, and its records without requestId keep the ids of
 * the name they came in under, so the requests it had already settled are replayed and never make a second card.
 */
class ReturnedFileTest {

    private static final String PEOPLE = """
            firstName,mobile
            Asha,9876502001
            Ravi,9876502002
            """;

    @Test
    void a_file_returned_under_another_name_replays_its_settled_requests() throws Exception {
        EnkashSandbox enkash = OutsideEnkash.start(0, 8);
        Map<String, String> props = new HashMap<>();
        props.put("enkash.sandbox.enabled", "false");
        props.put("enkash.base-url", enkash.baseUrl());
        props.put("app.instance-name", "solo");
        Path home;
        try (Bundle first = Bundle.start(props)) {
            home = first.home;
            first.drop("people.csv", PEOPLE);
            assertThat(first.awaitResults("people.csv")).extracting(r -> r.get("status").asText())
                    .containsOnly("CREATED");
        }
        assertThat(enkash.createCalls()).isEqualTo(2);

        // as a kill -9 in the middle of people.csv leaves it, while a new people.csv has come into the inbox
        Path left = home.resolve("inbox/.inprogress/solo/20261129-101500123-ABCDEF0123456789-0000000000000001");
        Files.createDirectories(left);
        Files.writeString(left.resolve("people.csv"), PEOPLE);
        Files.writeString(home.resolve("inbox/people.csv"), """
                firstName,mobile
                Sita,9876502003
                """);

        try (Bundle again = Bundle.startAt(home, props)) {
            JsonNode returned = again.awaitResults(
                    "people-unfinished-20261129-101500123-ABCDEF0123456789-0000000000000001.csv");
            assertThat(returned).hasSize(2);
            assertThat(returned).extracting(r -> r.get("requestId").asText())
                    .allSatisfy(id -> assertThat(id).startsWith("people.csv@"));
            assertThat(returned).extracting(r -> r.get("replay").asBoolean()).containsOnly(true);
            assertThat(again.awaitResults("people.csv")).extracting(r -> r.get("status").asText())
                    .containsOnly("CREATED");
        } finally {
            enkash.stop();
        }
        assertThat(enkash.createCalls()).as("Asha and Ravi once, Sita once").isEqualTo(3);
        assertThat(enkash.cardsCreatedFor("9876502001")).isEqualTo(1);
    }
}
