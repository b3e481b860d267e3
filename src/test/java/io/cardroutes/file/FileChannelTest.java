package io.cardroutes.file;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.sandbox.RecordedCall;
import io.cardroutes.support.Bundle;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The file channel end to end: inbox file in, EnKash sandbox called, database rows and results file out. */
class FileChannelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final Bundle bundle = Bundle.forTestClass();
    private EnkashSandbox sandbox;

    @BeforeEach
    void freshSandbox() {
        sandbox = bundle.freshSandbox();
    }

    @Test
    void creates_a_card_from_a_single_json_object_with_the_documented_headers() throws Exception {
        NotifyBuilder fileDone = bundle.whenFileDone("one.json");
        bundle.drop("one.json", """
                {"requestId":"ONE-1","firstName":"Asha","lastName":"Rao","mobile":"9876543210",
                 "email":"asha@example.com","physicalCard":false}""");

        JsonNode results = bundle.awaitResults("one.json");

        assertThat(results).hasSize(1);
        JsonNode r = results.get(0);
        assertThat(r.get("requestId").asText()).isEqualTo("ONE-1");
        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        assertThat(r.get("enKashCardId").asText()).startsWith("EKC");
        assertThat(r.get("maskedNumber").asText()).startsWith("XXXX");
        assertThat(r.get("replay").asBoolean()).isFalse();
        assertThat(r.has("error")).isTrue();

        RecordedCall call = sandbox.createCallsReceived().get(0);
        assertThat(call.header("authorization")).startsWith("Bearer ");
        assertThat(call.header("partnerId")).isEqualTo("SANDBOX-PARTNER");
        assertThat(call.header("content-type")).startsWith("application/json");
        JsonNode sent = JSON.readTree(call.body());
        assertThat(sent.get("firstName").asText()).isEqualTo("Asha");
        assertThat(sent.get("physicalCard").isBoolean()).isTrue();
        assertThat(sent.has("requestId")).as("our requestId is not an EnKash field").isFalse();

        var row = bundle.row("ONE-1");
        assertThat(row.get("status")).isEqualTo("CREATED");
        assertThat(row.get("channel")).isEqualTo("FILE");
        assertThat(row.get("source")).isEqualTo("one.json");
        assertThat(row.get("enkash_card_id")).isEqualTo(r.get("enKashCardId").asText());
        assertThat(row.get("attempts")).isEqualTo(1);
        // the file moves to .done once its exchange completes, just after the results are written
        assertThat(fileDone.matches(10, TimeUnit.SECONDS)).as("one.json's exchange done").isTrue();
        try (var done = Files.list(bundle.inbox.resolve(".done"))) {
            assertThat(done.map(p -> p.getFileName().toString())).as("one.json moved to .done")
                    .anyMatch(n -> n.startsWith("one-") && n.endsWith(".json"));
        }
        assertThat(bundle.inbox.resolve("one.json")).doesNotExist();
    }

    @Test
    void creates_one_card_per_element_of_a_json_array_and_reports_them_in_input_order() throws Exception {
        StringBuilder array = new StringBuilder("[");
        for (int i = 1; i <= 20; i++) {
            array.append(i > 1 ? "," : "").append("{\"requestId\":\"ARR-").append(i)
                    .append("\",\"firstName\":\"P").append(i).append("\",\"mobile\":\"90000000")
                    .append(String.format("%02d", i)).append("\"}");
        }
        bundle.drop("array.json", array.append("]").toString());

        JsonNode results = bundle.awaitResults("array.json");

        assertThat(results).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(results.get(i).get("requestId").asText()).isEqualTo("ARR-" + (i + 1));
            assertThat(results.get(i).get("status").asText()).isEqualTo("CREATED");
        }
        assertThat(sandbox.cards()).hasSize(20);
    }

    @Test
    void reads_csv_with_quoted_commas_and_applies_the_configured_defaults() throws Exception {
        bundle.drop("people.csv", """
                requestId,firstName,lastName,mobile,city,physicalCard
                CSV-1,Vikram,Singh,9876500001,"Pune, Camp",true
                CSV-2,Meera,Iyer,9876500002,Chennai,
                """);

        JsonNode results = bundle.awaitResults("people.csv");

        assertThat(results).extracting(n -> n.get("status").asText()).containsExactly("CREATED", "CREATED");
        JsonNode first = body(sandbox.createCallsReceived(), "9876500001");
        assertThat(first.get("city").asText()).isEqualTo("Pune, Camp");
        assertThat(first.get("physicalCard").asBoolean()).isTrue();
        assertThat(first.get("companyId").asText()).isEqualTo("SANDBOX-COMPANY");
        assertThat(first.get("cardAccountId").asText()).isEqualTo("SANDBOX-ACCOUNT");
        JsonNode second = body(sandbox.createCallsReceived(), "9876500002");
        assertThat(second.has("physicalCard")).as("an empty cell is an absent field").isFalse();
    }

    @Test
    void gives_requests_without_request_id_a_deterministic_one_so_a_redropped_file_is_recognised() throws Exception {
        String csv = "firstName,mobile\nNoId,9876500011\nNoId2,9876500012\n";
        bundle.drop("noid.csv", csv);
        JsonNode first = bundle.awaitResults("noid.csv");
        bundle.drop("noid.csv", csv);
        JsonNode second = bundle.awaitResults("noid.csv");

        assertThat(first).extracting(n -> n.get("requestId").asText())
                .allMatch(id -> id.matches("noid\\.csv@[0-9a-f]{12}#[12]"))
                .extracting(id -> id.substring(id.indexOf('#'))).containsExactly("#1", "#2");
        assertThat(second).extracting(n -> n.get("requestId").asText())
                .containsExactlyElementsOf(first.findValuesAsText("requestId"));
        assertThat(second).extracting(n -> n.get("replay").asBoolean()).containsExactly(true, true);
        assertThat(sandbox.cards()).hasSize(2);
    }

    @Test
    void tomorrow_s_file_under_the_same_name_without_request_ids_is_new_work_not_a_replay() throws Exception {
        bundle.drop("daily.csv", "firstName,mobile\nMonday,9876500013\n");
        JsonNode monday = bundle.awaitResults("daily.csv");
        bundle.drop("daily.csv", "firstName,mobile\nTuesday,9876500014\n");
        JsonNode tuesday = bundle.awaitResults("daily.csv");

        assertThat(tuesday.get(0).get("status").asText()).isEqualTo("CREATED");
        assertThat(tuesday.get(0).get("replay").asBoolean()).isFalse();
        assertThat(tuesday.get(0).get("requestId").asText()).isNotEqualTo(monday.get(0).get("requestId").asText());
        assertThat(sandbox.cardsFor("9876500014")).isEqualTo(1);
    }

    @Test
    void the_same_request_id_with_other_content_is_rejected_and_the_first_request_keeps_its_card() throws Exception {
        bundle.drop("first.json", """
                {"requestId":"SAME-ID","firstName":"Asha","mobile":"9876500015"}""");
        JsonNode first = bundle.awaitResults("first.json").get(0);
        bundle.drop("other.json", """
                {"requestId":"SAME-ID","firstName":"Bala","mobile":"9876500016"}""");
        JsonNode other = bundle.awaitResults("other.json").get(0);
        bundle.drop("again.json", """
                {"mobile":"9876500015","firstName":"Asha","requestId":"SAME-ID"}""");
        JsonNode again = bundle.awaitResults("again.json").get(0);

        assertThat(other.get("status").asText()).isEqualTo("REJECTED");
        assertThat(other.get("error").asText()).contains("SAME-ID").contains("different request");
        assertThat(sandbox.cardsFor("9876500016")).isZero();
        assertThat(again.get("replay").asBoolean()).as("the same request again, fields in another order").isTrue();
        assertThat(again.get("enKashCardId").asText()).isEqualTo(first.get("enKashCardId").asText());
        assertThat(bundle.row("SAME-ID").get("status")).isEqualTo("CREATED");
        assertThat(sandbox.createCalls()).isEqualTo(1);
    }

    @Test
    void reads_a_csv_file_record_by_record_without_copying_it_into_memory() throws Exception {
        // Camel's stream caching would copy the whole file onto the heap before the parser reads it
        // (a file larger than the heap could not be read); the records route reads it from disk instead
        var caching = bundle.context().getStreamCachingStrategy().getStatistics();
        caching.setStatisticsEnabled(true);
        caching.reset();
        try {
            StringBuilder csv = new StringBuilder("requestId,firstName,mobile\n");
            for (int i = 0; i < 4000; i++) {
                // an invalid mobile: each record is rejected before any call, so nothing else is cached meanwhile
                csv.append("BIG-").append(i).append(",Padded").append("x".repeat(40)).append(",not-a-mobile\n");
            }
            bundle.drop("big.csv", csv.toString());

            JsonNode results = bundle.awaitResults("big.csv");

            assertThat(results).hasSize(4000);
            assertThat(results.get(3999).get("requestId").asText()).isEqualTo("BIG-3999");
            assertThat(results).allMatch(r -> r.get("status").asText().equals("REJECTED"));
            assertThat(caching.getCacheMemorySize() + caching.getCacheSpoolSize())
                    .as("bytes copied into stream caches while a %d-byte file was read", csv.length())
                    .isLessThan(csv.length() / 10);
        } finally {
            caching.setStatisticsEnabled(false);
        }
    }

    @Test
    void a_file_dropped_twice_creates_one_card_per_request_and_reports_the_replay() throws Exception {
        String file = """
                [{"requestId":"DUP-1","firstName":"A","mobile":"9876500021"},
                 {"requestId":"DUP-2","firstName":"B","mobile":"9876500022"}]""";
        bundle.drop("dup.json", file);
        JsonNode first = bundle.awaitResults("dup.json");
        bundle.drop("dup.json", file);
        JsonNode second = bundle.awaitResults("dup.json");

        assertThat(sandbox.createCalls()).isEqualTo(2);
        assertThat(sandbox.cardsFor("9876500021")).isEqualTo(1);
        assertThat(second).extracting(n -> n.get("replay").asBoolean()).containsExactly(true, true);
        assertThat(second.get(0).get("enKashCardId").asText()).isEqualTo(first.get(0).get("enKashCardId").asText());
        assertThat(second.get(0).get("status").asText()).isEqualTo("CREATED");
    }

    @Test
    void a_file_dropped_again_under_the_same_name_while_the_first_is_read_is_processed_as_well() throws Exception {
        sandbox.enqueue(Fault.stall(1500)); // the first file's card is created, its answer comes 1.5 s late
        bundle.drop("again.json", "{\"requestId\":\"AGAIN-1\",\"mobile\":\"9876500071\"}");
        await("the first file's call").atMost(Duration.ofSeconds(10)).until(() -> sandbox.createCalls() == 1);
        // while the first is still being processed (no waiting for its name to be free, as drop() would)
        Path part = bundle.inbox.resolveSibling("again.json.part");
        Files.writeString(part, "{\"requestId\":\"AGAIN-2\",\"mobile\":\"9876500072\"}");
        Files.move(part, bundle.inbox.resolve("again.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        JsonNode first = bundle.awaitResults("again.json");
        JsonNode second = bundle.awaitResults("again.json");

        assertThat(first.get(0).get("requestId").asText()).isEqualTo("AGAIN-1");
        assertThat(second.get(0).get("requestId").asText()).isEqualTo("AGAIN-2");
        assertThat(second.get(0).get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.cardsFor("9876500071")).isEqualTo(1);
        assertThat(sandbox.cardsFor("9876500072")).isEqualTo(1);
        Path inProgress = bundle.inbox.resolve(".inprogress");
        await("inbox empty").atMost(Duration.ofSeconds(10))
                .until(() -> !Files.exists(bundle.inbox.resolve("again.json")));
        try (var left = Files.walk(inProgress)) {
            assertThat(left.filter(Files::isRegularFile)).as("nothing left in progress").isEmpty();
        }
    }

    @Test
    void retries_503_twice_then_creates_the_card() throws Exception {
        sandbox.enqueue(Fault.status(503), Fault.status(503));
        bundle.drop("retry.json", "{\"requestId\":\"R503\",\"mobile\":\"9876500031\"}");

        JsonNode r = bundle.awaitResults("retry.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        assertThat(sandbox.createCallsReceived()).extracting(RecordedCall::status).containsExactly(503, 503, 200);
        assertThat(sandbox.cardsFor("9876500031")).isEqualTo(1);
        assertThat(bundle.row("R503").get("attempts")).isEqualTo(3);
    }

    @Test
    void waits_as_long_as_retry_after_asks_before_sending_again_after_429() throws Exception {
        sandbox.enqueue(Fault.status(429, 1));
        bundle.drop("slow.json", "{\"requestId\":\"R429\",\"mobile\":\"9876500041\"}");

        JsonNode r = bundle.awaitResults("slow.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("CREATED");
        List<RecordedCall> calls = sandbox.createCallsReceived();
        assertThat(calls).extracting(RecordedCall::status).containsExactly(429, 200);
        // the back-off alone would resend after ~20 ms; Retry-After: 1 asks for a second
        assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void does_not_retry_a_400_and_records_the_request_as_rejected() throws Exception {
        sandbox.enqueue(Fault.status(400));
        bundle.drop("bad.json", "{\"requestId\":\"R400\",\"mobile\":\"9876500051\"}");

        JsonNode r = bundle.awaitResults("bad.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("REJECTED");
        assertThat(r.get("error").asText()).contains("HTTP 400");
        assertThat(sandbox.createCalls()).isEqualTo(1);
    }

    @Test
    void records_a_business_refusal_sent_with_http_200_as_rejected_without_retrying() throws Exception {
        bundle.drop("broke.json", """
                {"requestId":"RBIZ","mobile":"9876500061","cardAccountId":"EMPTY-ACCOUNT"}""");

        JsonNode r = bundle.awaitResults("broke.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("REJECTED");
        assertThat(r.get("error").asText()).contains("Insufficient balance in card account");
        assertThat(sandbox.createCalls()).isEqualTo(1);
        assertThat(sandbox.cards()).isEmpty();
    }

    @Test
    void gives_up_after_the_configured_redeliveries_and_records_failed_with_the_attempt_count() throws Exception {
        for (int i = 0; i < 6; i++) {
            sandbox.enqueue(Fault.status(503));
        }
        bundle.drop("down.json", "{\"requestId\":\"RDOWN\",\"mobile\":\"9876500071\"}");

        JsonNode r = bundle.awaitResults("down.json").get(0);

        assertThat(r.get("status").asText()).isEqualTo("FAILED");
        assertThat(r.get("error").asText()).contains("HTTP 503").contains("6 attempts");
        assertThat(sandbox.createCalls()).isEqualTo(6);
        assertThat(bundle.row("RDOWN").get("attempts")).isEqualTo(6);
    }

    @Test
    void refreshes_an_expired_token_mid_batch_and_nothing_fails() throws Exception {
        bundle.drop("before.json", "{\"requestId\":\"TOK-1\",\"mobile\":\"9876500081\"}");
        bundle.awaitResults("before.json");
        sandbox.expireAllTokens();
        bundle.drop("after.json", """
                [{"requestId":"TOK-2","mobile":"9876500082"},{"requestId":"TOK-3","mobile":"9876500083"},
                 {"requestId":"TOK-4","mobile":"9876500084"}]""");

        JsonNode results = bundle.awaitResults("after.json");

        assertThat(results).extracting(n -> n.get("status").asText()).containsOnly("CREATED");
        assertThat(sandbox.createCallsReceived()).extracting(RecordedCall::status).contains(401);
        assertThat(sandbox.tokenCalls()).isEqualTo(2);
        assertThat(sandbox.cards()).hasSize(4);
    }

    @Test
    void moves_an_unparseable_file_to_the_error_folder_with_line_and_column() throws Exception {
        NotifyBuilder done = bundle.whenFileDone("broken.json");
        bundle.drop("broken.json", "[\n  {\"requestId\": \"X\",\n   \"mobile\" 9876500091}\n]");

        assertThat(done.matches(30, TimeUnit.SECONDS)).as("broken.json's exchange done").isTrue();
        assertThat(bundle.errorDir.resolve("broken.json")).as("moved aside").exists();

        String note = Files.readString(bundle.errorDir.resolve("broken.json.error.txt"));
        assertThat(note).contains("not valid JSON").contains("Line: 3");
        assertThat(sandbox.createCalls()).isZero();
        assertThat(bundle.inbox.resolve("broken.json")).doesNotExist();
    }

    /** The Create body EnKash received for this mobile number. */
    private static JsonNode body(List<RecordedCall> calls, String mobile) throws Exception {
        for (RecordedCall c : calls) {
            JsonNode n = JSON.readTree(c.body());
            if (mobile.equals(n.path("mobile").asText())) {
                return n;
            }
        }
        throw new AssertionError("EnKash received no call for " + mobile);
    }
}
