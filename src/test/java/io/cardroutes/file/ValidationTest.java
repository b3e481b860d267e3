package io.cardroutes.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The request JSON Schema (config/schema/card-request.schema.json) as the bundle applies it, with no
 * companyId/cardAccountId defaults configured: invalid requests never reach EnKash, each is
 * REJECTED naming its problems, and the valid requests of the same file go on.
 */
class ValidationTest {

    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass(Map.of("enkash.company-id", "", "enkash.card-account-id", ""));
    private static JsonNode results;
    private static EnkashSandbox sandbox;

    @BeforeAll
    static void dropOneFileWithEveryKindOfMistake() throws Exception {
        sandbox = bundle.freshSandbox();
        bundle.drop("mixed.json", """
                [
                 {"requestId":"V-OK","companyId":"C1","cardAccountId":"A1","mobile":"9876500101","email":"ok@example.in"},
                 {"requestId":"V-NOCOMPANY","mobile":"9876500102"},
                 {"requestId":"V-EMAIL","companyId":"C1","cardAccountId":"A1","email":"someone@example"},
                 {"requestId":"V-MOBILE9","companyId":"C1","cardAccountId":"A1","mobile":"987650010"},
                 {"requestId":"V-MOBILEX","companyId":"C1","cardAccountId":"A1","mobile":"98765abcde"},
                 {"requestId":"V-BOOL","companyId":"C1","cardAccountId":"A1","physicalCard":"yes"},
                 {"requestId":"V-UNKNOWN","companyId":"C1","cardAccountId":"A1","nickname":"Ash"},
                 42,
                 {"requestId":"V-TWO","cardAccountId":"A1","email":"x@y","mobile":"123"}
                ]""");
        results = bundle.awaitResults("mixed.json");
    }

    @Test
    void a_valid_request_in_the_same_file_is_created_and_only_it_reaches_enkash() {
        assertThat(entry("V-OK").get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.createCalls()).isEqualTo(1);
        assertThat(results).hasSize(9);
    }

    @Test
    void company_and_card_account_are_required_once_defaults_are_applied() {
        assertThat(rejection("V-NOCOMPANY")).contains("companyId").contains("cardAccountId");
    }

    @Test
    void email_must_match_enkash_pattern() {
        assertThat(rejection("V-EMAIL")).contains("$.email");
    }

    @Test
    void mobile_must_be_exactly_ten_digits() {
        assertThat(rejection("V-MOBILE9")).contains("$.mobile");
        assertThat(rejection("V-MOBILEX")).contains("$.mobile");
    }

    @Test
    void booleans_must_be_booleans() {
        assertThat(rejection("V-BOOL")).contains("physicalCard").contains("boolean");
    }

    @Test
    void an_unknown_field_is_an_error_naming_the_field() {
        assertThat(rejection("V-UNKNOWN")).contains("nickname");
    }

    @Test
    void a_record_that_is_not_an_object_is_rejected_with_its_position() {
        JsonNode eighth = results.get(7);
        assertThat(eighth.get("requestId").asText()).matches("mixed\\.json@[0-9a-f]{12}#8");
        assertThat(eighth.get("status").asText()).isEqualTo("REJECTED");
        assertThat(eighth.get("error").asText()).contains("record 8 is not a JSON object");
    }

    @Test
    void every_problem_of_a_request_is_listed_not_only_the_first() {
        assertThat(rejection("V-TWO")).contains("companyId").contains("$.email").contains("$.mobile");
    }

    @Test
    void rejected_requests_are_recorded_in_the_database_with_their_reason() throws Exception {
        Map<String, Object> row = bundle.row("V-EMAIL");
        assertThat(row.get("status")).isEqualTo("REJECTED");
        assertThat((String) row.get("error")).contains("$.email");
        assertThat(row.get("attempts")).isEqualTo(0);
    }

    private static String rejection(String requestId) {
        JsonNode e = entry(requestId);
        assertThat(e.get("status").asText()).as(requestId).isEqualTo("REJECTED");
        return e.get("error").asText();
    }

    private static JsonNode entry(String requestId) {
        for (JsonNode n : results) {
            if (requestId.equals(n.get("requestId").asText())) {
                return n;
            }
        }
        throw new AssertionError("no result for " + requestId + " in " + results);
    }
}
