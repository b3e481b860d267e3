package io.cardroutes.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mapping files as an operator edits them: a broken mapping or layout file is an error at start-up
 * naming the file and the problem while everything else runs, its files go to the error folder with that
 * reason, and an edited mapping applies to the next file without a restart.
 */
class MappingFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HR_HEADER = "Employee Code;Employee Name;Employee Mobile;Email ID;Date of Birth;Gender;"
            + "Physical Card\n";
    private static Path mappings;
    private static Bundle bundle;
    private EnkashSandbox sandbox;

    @BeforeAll
    static void boot() throws Exception {
        mappings = Files.createTempDirectory("mappings-");
        for (String file : new String[] {"hr-export.properties", "hr-export.jsonata"}) {
            Files.copy(Path.of("config/mappings", file), mappings.resolve(file));
        }
        Files.writeString(mappings.resolve("broken.properties"), "files = broken*.csv\nformat = csv\n");
        Files.writeString(mappings.resolve("broken.jsonata"), """
                /* a call whose closing parenthesis is missing */
                {
                  "firstName": $trim(`First Name`,
                  "mobile": Mobile
                }
                """);
        Files.writeString(mappings.resolve("spreadsheet.properties"), "files = *.xlsx.csv\nformat = excel\n");
        Files.writeString(mappings.resolve("spreadsheet.jsonata"), "{ \"mobile\": Mobile }");
        String renames = "{ \"requestId\": Ref, \"firstName\": `Given Name`, \"mobile\": `Mobile No` }";
        Files.writeString(mappings.resolve("tabbed.properties"), "files = tabbed*.csv\nformat = csv\ncsv-delimiter = tab\n");
        Files.writeString(mappings.resolve("tabbed.jsonata"), renames);
        Files.writeString(mappings.resolve("piped.properties"), "files = piped*.csv\nformat = csv\ncsv-delimiter = |\n"
                + "mapping = tabbed.jsonata\n");
        Files.writeString(mappings.resolve("partner.properties"), "files = partner*.json\nformat = json\n"
                + "mapping = tabbed.jsonata\n");
        bundle = Bundle.start(Map.of("app.mappings-dir", mappings.toString()));
    }

    @AfterAll
    static void shutdown() {
        bundle.close();
    }

    @BeforeEach
    void freshSandbox() {
        sandbox = bundle.freshSandbox();
    }

    @Test
    void a_broken_mapping_is_an_error_at_start_up_naming_its_file_and_problem_and_the_rest_keeps_running()
            throws Exception {
        String log = Files.readString(Path.of("target/test-logs/bundle.log"), StandardCharsets.UTF_8);
        assertThat(log).contains("ERROR").contains("Input layout broken (" + mappings.resolve("broken.properties")
                + ") cannot be used, its input is refused until it is fixed: broken.jsonata: line 4, column 11: "
                + "not valid JSONata: Expected \")\", got \":\" (S0202)");
        assertThat(layouts().problems()).containsExactly(
                "broken.jsonata: line 4, column 11: not valid JSONata: Expected \")\", got \":\" (S0202)",
                "spreadsheet.properties: format must be csv, json or xml, not 'excel'");
        assertThat(log).contains("Input layout tabbed: files tabbed*.csv, csv '\\u0009', mapping tabbed.jsonata");

        bundle.drop("broken-june.csv", "First Name,Mobile\nAsha,9876500901\n");
        bundle.drop("hr-export-june.csv", HR_HEADER + "E9001;Asha Rao;+91 98765 00902;asha@example.com;01/02/1990;F;N\n");
        bundle.drop("plain.json", "{\"requestId\":\"MAP-PLAIN-1\",\"firstName\":\"Ravi\",\"mobile\":\"9876500903\"}");

        assertThat(bundle.awaitResults("hr-export-june.csv").get(0).get("status").asText()).isEqualTo("CREATED");
        assertThat(bundle.awaitResults("plain.json").get(0).get("status").asText()).isEqualTo("CREATED");
        Path note = bundle.errorDir.resolve("broken-june.csv.error.txt");
        Bundle.await(() -> Files.exists(note), Duration.ofSeconds(30), "the error note of broken-june.csv");
        assertThat(Files.readString(note)).contains("input layout broken is broken: broken.jsonata: line 4, column 11: "
                + "not valid JSONata: Expected \")\", got \":\"");
        assertThat(bundle.errorDir.resolve("broken-june.csv")).exists();
        assertThat(sandbox.createCalls()).isEqualTo(2);
    }

    @Test
    void an_edited_mapping_applies_to_the_next_file_and_one_broken_by_an_edit_refuses_files_until_it_is_fixed()
            throws Exception {
        Path mapping = mappings.resolve("hr-export.jsonata");
        String original = Files.readString(mapping);
        try {
            assertThat(countryOf("hr-export-a.csv", "9876500911")).isEqualTo("India");

            Files.writeString(mapping, original.replace("\"country\": \"India\"", "\"country\": \"IN\""));
            assertThat(countryOf("hr-export-b.csv", "9876500912")).isEqualTo("IN");

            Files.writeString(mapping, original + "\n)");
            bundle.drop("hr-export-c.csv", HR_HEADER + "E9013;Asha Rao;9876500913;asha@example.com;01/02/1990;F;N\n");
            Path note = bundle.errorDir.resolve("hr-export-c.csv.error.txt");
            Bundle.await(() -> Files.exists(note), Duration.ofSeconds(30), "the error note of hr-export-c.csv");
            assertThat(Files.readString(note)).contains("input layout hr-export is broken: hr-export.jsonata: line ")
                    .contains("not valid JSONata");

            Files.writeString(mapping, original);
            assertThat(countryOf("hr-export-d.csv", "9876500914")).isEqualTo("India");
            assertThat(layouts().problems()).noneMatch(p -> p.startsWith("hr-export"));
        } finally {
            Files.writeString(mapping, original);
        }
    }

    @Test
    void each_delimiter_a_layout_may_name_splits_its_rows_and_a_json_layout_maps_its_objects() throws Exception {
        bundle.drop("tabbed-1.csv", "Ref\tGiven Name\tMobile No\nTAB-1\tAsha, Rao\t9876500921\n");
        bundle.drop("piped-1.csv", "Ref|Given Name|Mobile No\nPIPE-1|Ravi; Kumar|9876500922\n");
        bundle.drop("partner-1.json", "[{\"Ref\":\"JSON-1\",\"Given Name\":\"Meera\",\"Mobile No\":\"9876500923\"}]");

        assertThat(bundle.awaitResults("tabbed-1.csv").get(0).get("requestId").asText()).isEqualTo("TAB-1");
        assertThat(bundle.awaitResults("piped-1.csv").get(0).get("requestId").asText()).isEqualTo("PIPE-1");
        assertThat(bundle.awaitResults("partner-1.json").get(0).get("requestId").asText()).isEqualTo("JSON-1");
        assertThat(sandbox.createCallsReceived()).extracting(call -> JSON.readTree(call.body()).get("firstName").asText())
                .containsExactlyInAnyOrder("Asha, Rao", "Ravi; Kumar", "Meera");
    }

    /** Drops a one-row HR export and answers the country EnKash received for it. */
    private String countryOf(String name, String mobile) throws Exception {
        bundle.drop(name, HR_HEADER + "E9;Asha Rao;" + mobile + ";asha@example.com;01/02/1990;F;N\n");
        JsonNode results = bundle.awaitResults(name);
        assertThat(results.get(0).get("status").asText()).isEqualTo("CREATED");
        for (var call : sandbox.createCallsReceived()) {
            JsonNode body = JSON.readTree(call.body());
            if (mobile.equals(body.path("mobile").asText())) {
                return body.path("country").asText();
            }
        }
        throw new AssertionError("no Create call for " + name);
    }

    private static InputLayouts layouts() {
        return bundle.context().getRegistry().lookupByNameAndType("inputLayouts", InputLayouts.class);
    }
}
