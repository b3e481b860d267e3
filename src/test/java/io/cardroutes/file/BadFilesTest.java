package io.cardroutes.file;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.Bundle;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Input files that are odd but not wrong, or wrong in a way the sender must be told: empty files,
 * byte-order marks, requests larger than the ledger holds, and inputs whose results files would clash.
 */
class BadFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass();
    private EnkashSandbox sandbox;

    @BeforeEach
    void freshSandbox() {
        sandbox = bundle.freshSandbox();
    }

    @Test
    void an_empty_file_goes_to_the_error_folder_with_its_reason_and_the_next_file_is_read() throws Exception {
        NotifyBuilder emptyDone = bundle.whenFileDone("empty.csv");
        bundle.drop("empty.csv", "");
        bundle.drop("after-empty.csv", "requestId,mobile\nB-AFTER-EMPTY,9876500201\n");

        JsonNode results = bundle.awaitResults("after-empty.csv");

        assertThat(emptyDone.matches(30, TimeUnit.SECONDS)).as("empty.csv's exchange done").isTrue();
        assertThat(bundle.errorDir.resolve("empty.csv")).as("moved aside").exists();
        assertThat(Files.readString(bundle.errorDir.resolve("empty.csv.error.txt"))).contains("the file is empty");
        assertThat(bundle.inbox.resolve("empty.csv")).doesNotExist();
        assertThat(results.get(0).get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.createCalls()).isEqualTo(1);
    }

    @Test
    void a_csv_starting_with_a_byte_order_mark_is_read_like_any_other() throws Exception {
        bundle.drop("bom.csv", "\uFEFFrequestId,firstName,mobile\nB-BOM-1,Asha,9876500202\nB-BOM-2,Ravi,9876500203\n");

        JsonNode results = bundle.awaitResults("bom.csv");

        assertThat(results).extracting(n -> n.get("requestId").asText()).containsExactly("B-BOM-1", "B-BOM-2");
        assertThat(results).extracting(n -> n.get("status").asText()).containsOnly("CREATED");
        assertThat(sandbox.createCalls()).isEqualTo(2);
        assertThat(JSON.readTree(sandbox.createCallsReceived().get(0).body()).get("firstName").asText())
                .isIn("Asha", "Ravi");
    }

    @Test
    void a_json_file_starting_with_a_byte_order_mark_is_read_like_any_other() throws Exception {
        bundle.drop("bom.json", "\uFEFF{\"requestId\":\"B-BOM-JSON\",\"mobile\":\"9876500204\"}");

        JsonNode results = bundle.awaitResults("bom.json");

        assertThat(results.get(0).get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.createCalls()).isEqualTo(1);
    }

    @Test
    void a_json_and_a_csv_of_the_same_name_each_get_their_own_results_file() throws Exception {
        bundle.drop("twins.json", "{\"requestId\":\"B-TWIN-JSON\",\"mobile\":\"9876500205\"}");
        bundle.drop("twins.csv", "requestId,mobile\nB-TWIN-CSV,9876500206\n");

        JsonNode fromJson = bundle.awaitResults("twins.json");
        JsonNode fromCsv = bundle.awaitResults("twins.csv");

        assertThat(fromJson).extracting(n -> n.get("requestId").asText()).containsExactly("B-TWIN-JSON");
        assertThat(fromCsv).extracting(n -> n.get("requestId").asText()).containsExactly("B-TWIN-CSV");
        assertThat(sandbox.createCalls()).isEqualTo(2);
    }

    @Test
    void a_file_dropped_again_before_its_results_were_collected_gets_the_next_numbered_results_file()
            throws Exception {
        Path first = bundle.outbox.resolve("daily.csv.results.json");
        Path second = bundle.outbox.resolve("daily.csv.2.results.json");
        bundle.drop("daily.csv", "requestId,mobile\nB-DAY-1,9876500207\n");
        await("the first results file").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(first));

        bundle.drop("daily.csv", "requestId,mobile\nB-DAY-2,9876500208\n");
        await("the second results file").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(second));

        assertThat(JSON.readTree(first.toFile())).extracting(n -> n.get("requestId").asText()).containsExactly("B-DAY-1");
        assertThat(JSON.readTree(second.toFile())).extracting(n -> n.get("requestId").asText()).containsExactly("B-DAY-2");
        assertThat(sandbox.createCalls()).isEqualTo(2);
        Files.delete(first);
        Files.delete(second);
    }

    @Test
    void a_request_larger_than_the_ledger_holds_is_rejected_naming_the_limit_and_the_rest_go_on() throws Exception {
        String huge = "x".repeat(25_000);
        bundle.drop("huge.json", "[{\"requestId\":\"B-HUGE\",\"mobile\":\"9876500209\",\"address\":\"" + huge + "\"},"
                + "{\"requestId\":\"B-SMALL\",\"mobile\":\"9876500210\"}]");

        JsonNode results = bundle.awaitResults("huge.json");

        assertThat(results.get(0).get("status").asText()).isEqualTo("REJECTED");
        assertThat(results.get(0).get("error").asText()).contains("too large").contains("20000");
        assertThat(results.get(1).get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.createCalls()).isEqualTo(1);
        Map<String, Object> row = bundle.awaitRow("B-HUGE", "REJECTED");
        assertThat(row.get("request_json")).isNull();
        assertThat((String) row.get("error")).contains("20000");
    }
}
