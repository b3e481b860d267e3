package io.cardroutes.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After a read timeout EnKash may still be making the card: the first card search waits the grace
 * period, so it finds the card instead of missing it and letting the request be sent again.
 */
class SearchGraceTest {

    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(Map.of("enkash.http.read-timeout-ms", "1000",
            "enkash.reconcile.grace-ms", "3000"));

    @Test
    void a_card_enkash_makes_after_the_read_timeout_is_found_by_the_search_after_the_grace_period() throws Exception {
        EnkashSandbox sandbox = bundle.freshSandbox();
        sandbox.enqueue(Fault.slowCreate(2000)); // the bundle gives up after 1 s; the card exists after 2 s
        bundle.drop("slow.json", """
                {"requestId":"SLOW-1","firstName":"Meena","mobile":"9876501901","email":"meena@example.com"}""");

        JsonNode r = bundle.awaitResults("slow.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.createCalls()).as("never sent twice").isEqualTo(1);
        assertThat(sandbox.cardsCreatedFor("9876501901")).isEqualTo(1);
        assertThat(bundle.row("SLOW-1").get("reconciled")).isEqualTo(true);
        assertThat(r.get("enKashCardId").asText()).isEqualTo(sandbox.cards().get(0).get("enKashCardId"));
    }
}
