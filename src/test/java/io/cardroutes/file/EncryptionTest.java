package io.cardroutes.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With ENKASH_ENCRYPTION_ENABLED the Create body travels as EnKash's AES envelope, and so does the answer. */
class EncryptionTest {

    // the sandbox, like EnKash for such a partner, refuses plain bodies
    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(Map.of("enkash.encryption.enabled", "true"));

    @Test
    void creates_cards_through_the_aes_envelope_in_both_directions() throws Exception {
        EnkashSandbox sandbox = bundle.freshSandbox();
        bundle.drop("secret.json", """
                {"requestId":"ENC-1","firstName":"Kiran","mobile":"9876500301"}""");

        JsonNode r = bundle.awaitResults("secret.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        assertThat(r.get("enKashCardId").asText()).startsWith("EKC");
        JsonNode received = new ObjectMapper().readTree(sandbox.createCallsReceived().get(0).body());
        assertThat(received.get("firstName").asText()).isEqualTo("Kiran");
        assertThat(sandbox.createCallsReceived().get(0).status()).isEqualTo(200);
    }

    @Test
    void an_answer_that_does_not_decrypt_after_the_card_was_made_is_settled_as_created_not_failed() throws Exception {
        EnkashSandbox sandbox = bundle.freshSandbox();
        sandbox.enqueue(io.cardroutes.sandbox.Fault.unreadableAnswer(), io.cardroutes.sandbox.Fault.truncatedAnswer());
        bundle.drop("sealed.json", """
                [{"requestId":"ENC-2","firstName":"Latha","mobile":"9876500302","email":"latha@example.com"},
                 {"requestId":"ENC-3","firstName":"Mohan","mobile":"9876500303","email":"mohan@example.com"}]""");

        JsonNode results = bundle.awaitResults("sealed.json");

        assertThat(results).extracting(n -> n.get("status").asText()).containsOnly("CREATED");
        assertThat(sandbox.createCalls()).as("never sent twice").isEqualTo(2);
        assertThat(sandbox.cardsCreatedFor("9876500302")).isEqualTo(1);
        assertThat(sandbox.cardsCreatedFor("9876500303")).isEqualTo(1);
        assertThat(bundle.row("ENC-2").get("reconciled")).isEqualTo(true);
    }
}
