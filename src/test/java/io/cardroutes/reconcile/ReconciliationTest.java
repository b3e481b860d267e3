package io.cardroutes.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Map;

import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;
import io.cardroutes.ops.CardOperations;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.sandbox.RecordedCall;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Never a second card: Create calls whose answer is lost (504 after the card was made, a read
 * timeout) are settled through EnKash's card search, with the sandbox counting cards per person.
 */
class ReconciliationTest {

    @RegisterExtension
    // 50 answers lost in a row is EnKash failing: with the circuit breaker on, its half-open trials (3 every 10 s)
    // would drain them slowly. This class is about settling lost answers; EnkashLimitsTest covers both together.
    static final Bundle bundle = Bundle.forTestClass(Map.of("enkash.http.read-timeout-ms", "1000",
            "enkash.circuit.enabled", "false"));
    private EnkashSandbox sandbox;

    @BeforeEach
    void freshSandbox() {
        sandbox = bundle.freshSandbox();
    }

    @Test
    void answer_lost_once_per_request_in_a_batch_of_50_gives_50_cards_and_no_duplicate() throws Exception {
        for (int i = 0; i < 50; i++) {
            sandbox.enqueue(Fault.answerLost(504));
        }
        StringBuilder csv = new StringBuilder("requestId,firstName,lastName,mobile,email\n");
        for (int i = 1; i <= 50; i++) {
            csv.append(String.format("LOST-%02d,First%02d,Last%02d,98765010%02d,lost%02d@example.com%n", i, i, i, i, i));
        }
        bundle.drop("lost.csv", csv.toString());

        JsonNode results = bundle.awaitResults("lost.csv");

        assertThat(results).extracting(n -> n.get("status").asText()).containsOnly("CREATED");
        assertThat(sandbox.cards()).hasSize(50);
        for (int i = 1; i <= 50; i++) {
            assertThat(sandbox.cardsFor(String.format("98765010%02d", i))).as("cards for person %d", i).isEqualTo(1);
        }
        long reconciled = (long) bundle.query("select count(*) as n from card_request where request_id like 'LOST-%' "
                + "and reconciled = true").get(0).get("n");
        assertThat(reconciled).as("every lost answer settled through the search").isEqualTo(50);
        assertThat(sandbox.searchCalls()).as("one search serves many lost answers").isLessThan(25);
        // the card ids reported are the ones EnKash made for each person
        JsonNode first = results.get(0);
        assertThat(sandbox.cards().stream().filter(c -> "9876501001".equals(c.get("mobile")))
                .map(c -> c.get("enKashCardId")).findFirst()).contains(first.get("enKashCardId").asText());
    }

    @Test
    void read_timeout_after_the_card_was_made_is_settled_without_a_second_create() throws Exception {
        sandbox.enqueue(Fault.stall(3000));
        bundle.drop("stall.json", """
                {"requestId":"STALL-1","firstName":"Ravi","mobile":"9876501101","email":"ravi@example.com"}""");

        JsonNode r = bundle.awaitResults("stall.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.createCalls()).isEqualTo(1);
        assertThat(sandbox.cardsFor("9876501101")).isEqualTo(1);
        assertThat(bundle.row("STALL-1").get("reconciled")).isEqualTo(true);
    }

    @Test
    void read_timeout_before_the_card_was_made_is_sent_once_more_and_makes_one_card() throws Exception {
        sandbox.enqueue(Fault.stallBeforeCreate(3000));
        bundle.drop("nocard.json", """
                {"requestId":"NOCARD-1","firstName":"Sita","mobile":"9876501201","email":"sita@example.com"}""");

        JsonNode r = bundle.awaitResults("nocard.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.createCalls()).isEqualTo(2);
        assertThat(sandbox.searchCalls()).isGreaterThanOrEqualTo(1);
        assertThat(sandbox.cardsFor("9876501201")).isEqualTo(1);
        assertThat(bundle.row("NOCARD-1").get("reconciled")).isEqualTo(false);
    }

    @Test
    void a_500_is_an_unknown_outcome_and_is_never_resent_blindly() throws Exception {
        sandbox.enqueue(Fault.answerLost(500));
        bundle.drop("five.json", """
                {"requestId":"FIVE-1","mobile":"9876501401"}""");

        JsonNode r = bundle.awaitResults("five.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.createCalls()).isEqualTo(1);
        assertThat(sandbox.cardsFor("9876501401")).isEqualTo(1);
    }

    @Test
    void a_lost_answer_for_a_request_with_nothing_to_match_on_needs_review() throws Exception {
        sandbox.enqueue(Fault.answerLost(504));
        bundle.drop("anon.json", """
                {"requestId":"ANON-1","firstName":"NoKeys"}""");

        JsonNode r = bundle.awaitResults("anon.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(sandbox.createCalls()).isEqualTo(1);
    }
}
