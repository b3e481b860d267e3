package io.cardroutes.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.sandbox.RecordedCall;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one route that calls EnKash (enkash-call) serves the Create call and the card search alike: the
 * same headers on both, and the same "401: drop the token, once more" rule, so a card search that meets
 * an expired token settles the lost answer instead of failing.
 */
class EnkashCallTest {

    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(Map.of("enkash.reconcile.grace-ms", "3000",
            "enkash.http.user-agent", "card-routes-test/9"));
    private EnkashSandbox sandbox;

    @BeforeEach
    void freshSandbox() {
        sandbox = bundle.freshSandbox();
    }

    @Test
    void a_card_search_answered_401_drops_the_token_and_searches_once_more() throws Exception {
        sandbox.enqueue(Fault.answerLost(504)); // the card is made, its answer lost: a search must settle it
        bundle.drop("expired.json", """
                {"requestId":"EXP-1","firstName":"Lata","mobile":"9876502101","email":"lata@example.com"}""");
        Bundle.await(() -> sandbox.createCalls() == 1, Duration.ofSeconds(30), "the Create call");
        sandbox.expireAllTokens(); // during the grace period, before the search

        JsonNode r = bundle.awaitResults("expired.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        assertThat(bundle.row("EXP-1").get("reconciled")).isEqualTo(true);
        assertThat(sandbox.createCalls()).as("never sent twice").isEqualTo(1);
        assertThat(sandbox.searchCalls()).as("refused once for its token, then answered").isEqualTo(2);
        assertThat(sandbox.tokenCalls()).as("one new token for the search").isEqualTo(2);
        assertThat(bundle.row("EXP-1").get("attempts")).as("a search is not a Create attempt").isEqualTo(1);
    }

    @Test
    void a_create_call_refused_for_its_token_is_sent_once_more_and_counted_as_an_attempt() throws Exception {
        bundle.drop("first.json", "{\"requestId\":\"EXP-2\",\"mobile\":\"9876502102\"}");
        bundle.awaitResults("first.json");
        sandbox.expireAllTokens();
        bundle.drop("second.json", "{\"requestId\":\"EXP-3\",\"mobile\":\"9876502103\"}");

        JsonNode r = bundle.awaitResults("second.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.createCallsReceived()).extracting(RecordedCall::status).containsExactly(200, 401, 200);
        assertThat(sandbox.searchCalls()).isZero();
        assertThat(bundle.row("EXP-3").get("attempts")).isEqualTo(2);
    }

    @Test
    void every_call_carries_the_configured_user_agent_once_with_partner_id_and_content_type() throws Exception {
        bundle.drop("agent.json", "{\"requestId\":\"UA-1\",\"mobile\":\"9876502104\"}");

        bundle.awaitResults("agent.json");

        RecordedCall call = sandbox.createCallsReceived().get(0);
        assertThat(call.header("user-agent")).isEqualTo("card-routes-test/9");
        assertThat(call.header("partnerId")).isEqualTo("SANDBOX-PARTNER");
        assertThat(call.header("content-type")).startsWith("application/json");
        assertThat(call.header("authorization")).startsWith("Bearer ");
    }
}
