package io.cardroutes.reconcile;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Never a second card against EnKash as its docs describe it: card searches that fail or list only
 * part of the account, HTTP 200 answers that cannot be read, cards the person held before. Every
 * request ends in a state that tells the truth, and every NEEDS_REVIEW raises the alert.
 */
class UnknownOutcomesTest {

    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(Map.of("enkash.http.read-timeout-ms", "1000"));
    private EnkashSandbox sandbox;

    @BeforeEach
    void freshSandbox() {
        sandbox = bundle.freshSandbox();
    }

    @Test
    void a_card_search_answering_the_error_envelope_is_never_read_as_no_card() throws Exception {
        lostAnswers(6);
        for (int i = 0; i < 100; i++) {
            sandbox.enqueueSearch(Fault.errorEnvelope("Unable to process the request"));
        }
        bundle.drop("envelope.csv", people("ENV", 6));

        JsonNode results = bundle.awaitResults("envelope.csv");

        assertThat(results).extracting(n -> n.get("status").asText()).containsOnly("NEEDS_REVIEW");
        assertThat(results.get(0).get("error").asText()).contains("card search could not be completed")
                .contains("Unable to process the request");
        assertOneCardEach("ENV", 6);
        assertThat(sandbox.createCalls()).isEqualTo(6);
        assertAlerted("ENV", 6);
    }

    @Test
    void a_card_search_that_fails_and_then_answers_settles_every_lost_answer() throws Exception {
        lostAnswers(6);
        sandbox.enqueueSearch(Fault.errorEnvelope("Try later"), Fault.status(503), Fault.unreadableAnswer(),
                Fault.truncatedAnswer());
        bundle.drop("recovers.csv", people("REC", 6));

        JsonNode results = bundle.awaitResults("recovers.csv");

        assertThat(results).extracting(n -> n.get("status").asText()).containsOnly("CREATED");
        assertOneCardEach("REC", 6);
        assertThat(sandbox.createCalls()).isEqualTo(6);
        assertThat(sandbox.pendingSearchFaults()).isZero();
    }

    @Test
    void a_listing_shorter_than_its_records_count_is_never_read_as_no_card() throws Exception {
        bundle.drop("before.csv", people("OTHER", 8)); // other people's cards fill the account
        bundle.awaitResults("before.csv");
        lostAnswers(8);
        for (int i = 0; i < 200; i++) {
            sandbox.enqueueSearch(Fault.partialListing(3));
        }
        bundle.drop("partial.csv", people("PART", 8));

        JsonNode results = bundle.awaitResults("partial.csv");

        assertThat(results).extracting(n -> n.get("status").asText()).containsOnly("NEEDS_REVIEW");
        assertThat(results.get(0).get("error").asText()).contains("listed 3 of");
        assertOneCardEach("PART", 8);
        assertAlerted("PART", 8);
    }

    @Test
    void an_http_200_that_cannot_be_read_after_the_card_was_made_is_settled_as_created() throws Exception {
        sandbox.enqueue(Fault.unreadableAnswer(), Fault.truncatedAnswer(), Fault.successWithoutCardId());
        bundle.drop("unreadable.csv", people("UNREAD", 3));

        JsonNode results = bundle.awaitResults("unreadable.csv");

        assertThat(results).extracting(n -> n.get("status").asText()).containsOnly("CREATED");
        assertOneCardEach("UNREAD", 3);
        assertThat(sandbox.createCalls()).as("none sent twice").isEqualTo(3);
        for (int i = 1; i <= 3; i++) {
            assertThat(bundle.row("UNREAD-" + i).get("reconciled")).isEqualTo(true);
        }
    }

    @Test
    void a_card_the_person_held_before_is_never_taken_for_the_request_s_card() throws Exception {
        String before = sandbox.seedCard(person("OLD", 1), Instant.now().minus(Duration.ofDays(1)));
        sandbox.enqueue(Fault.status(500)); // EnKash failed before it made anything
        bundle.drop("old.csv", people("OLD", 1));

        JsonNode r = bundle.awaitResults("old.csv").get(0);

        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        assertThat(r.get("enKashCardId").asText()).isNotEqualTo(before);
        assertThat(sandbox.cardsCreatedFor(mobile("OLD", 1))).as("the one card the request asked for").isEqualTo(1);
        assertThat(sandbox.cardsFor(mobile("OLD", 1))).isEqualTo(2);
        assertThat(bundle.row("OLD-1").get("reconciled")).isEqualTo(false);
    }

    @Test
    void a_matching_card_that_does_not_say_when_it_was_made_goes_to_a_person() throws Exception {
        String undated = sandbox.seedCard(person("UNDATED", 1), null);
        sandbox.enqueue(Fault.status(500));
        bundle.drop("undated.csv", people("UNDATED", 1));

        JsonNode r = bundle.awaitResults("undated.csv").get(0);

        assertThat(r.get("status").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(r.get("error").asText()).contains("may be from before the request").contains(undated);
        assertThat(bundle.row("UNDATED-1").get("candidates")).isEqualTo(undated);
        assertThat(sandbox.createCalls()).isEqualTo(1);
        assertAlerted("UNDATED", 1);
    }

    @Test
    void two_cards_made_since_the_request_was_sent_go_to_a_person() throws Exception {
        String byHand = sandbox.seedCard(person("TWICE", 1), Instant.now().plusSeconds(1));
        sandbox.enqueue(Fault.answerLost(504));
        bundle.drop("twice.csv", people("TWICE", 1));

        JsonNode r = bundle.awaitResults("twice.csv").get(0);

        assertThat(r.get("status").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat((String) bundle.row("TWICE-1").get("candidates")).contains(byHand).contains(",");
        assertThat(sandbox.createCalls()).isEqualTo(1);
        assertAlerted("TWICE", 1);
    }

    @Test
    void cards_the_ledger_holds_for_other_requests_are_not_taken_and_the_request_gets_its_own() throws Exception {
        bundle.drop("twins.csv", "requestId,firstName,lastName,mobile,email\n"
                + "TWIN-1,Anil,Kumar,9876501301,anil@example.com\nTWIN-2,Anil,Kumar,9876501301,anil@example.com\n");
        JsonNode twins = bundle.awaitResults("twins.csv");
        sandbox.enqueue(Fault.status(502)); // made nothing
        bundle.drop("third.csv", "requestId,firstName,lastName,mobile,email\nTWIN-3,Anil,Kumar,9876501301,anil@example.com\n");

        JsonNode r = bundle.awaitResults("third.csv").get(0);

        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        assertThat(r.get("enKashCardId").asText()).isNotIn(twins.get(0).get("enKashCardId").asText(),
                twins.get(1).get("enKashCardId").asText());
        assertThat(sandbox.cardsFor("9876501301")).isEqualTo(3);
    }

    private void lostAnswers(int n) {
        for (int i = 0; i < n; i++) {
            sandbox.enqueue(Fault.answerLost(504));
        }
    }

    private void assertOneCardEach(String prefix, int n) {
        for (int i = 1; i <= n; i++) {
            assertThat(sandbox.cardsCreatedFor(mobile(prefix, i))).as("cards for %s-%d", prefix, i).isEqualTo(1);
        }
    }

    /** Every NEEDS_REVIEW raised the alert: an ERROR line on io.cardroutes.alert naming the request. */
    private static void assertAlerted(String prefix, int n) throws Exception {
        Path log = Path.of("target/test-logs/bundle.log");
        await("an alert for each " + prefix + " request").atMost(Duration.ofSeconds(10)).until(() -> {
            String text = Files.readString(log);
            return IntStream.rangeClosed(1, n)
                    .allMatch(i -> text.contains("NEEDS REVIEW: request " + prefix + "-" + i + ":"));
        });
    }

    private static String people(String prefix, int n) {
        StringBuilder csv = new StringBuilder("requestId,firstName,lastName,mobile,email\n");
        for (int i = 1; i <= n; i++) {
            Map<String, Object> p = person(prefix, i);
            csv.append(prefix).append('-').append(i).append(',').append(p.get("firstName")).append(',')
                    .append(p.get("lastName")).append(',').append(p.get("mobile")).append(',')
                    .append(p.get("email")).append('\n');
        }
        return csv.toString();
    }

    private static Map<String, Object> person(String prefix, int i) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("companyId", "SANDBOX-COMPANY");
        p.put("cardAccountId", "SANDBOX-ACCOUNT");
        p.put("firstName", "F" + prefix.toLowerCase() + i);
        p.put("lastName", "L" + prefix.toLowerCase() + i);
        p.put("mobile", mobile(prefix, i));
        p.put("email", prefix.toLowerCase() + i + "@example.com");
        return p;
    }

    /** A mobile number of its own for each prefix and person. */
    private static String mobile(String prefix, int i) {
        return String.format("9%05d%04d", Math.abs(prefix.hashCode()) % 100000, i);
    }

}
