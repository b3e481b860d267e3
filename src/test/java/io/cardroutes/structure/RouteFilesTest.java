package io.cardroutes.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

/**
 * The route files as an operator and Kaoto see them: valid against the YAML DSL's own JSON Schema
 * (shipped inside camel-yaml-dsl), every route and route configuration with an id and a description,
 * route ids named for their file, each route's error handling named (or the reason it needs none), and
 * no bare top-level onException or from.
 */
class RouteFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Routes that name no route configuration, each with the reason it needs none (route id, reason). */
    private static final Map<String, String> WITHOUT_ROUTE_CONFIGURATION = Map.of(
            "outcome-store", "direct: sub-route; an error in it fails its caller's exchange (card-pipeline, card-send, "
                    + "the pipeline-errors handlers)",
            "outcome-needs-review", "direct: sub-route of the pipeline-errors handlers; its mail is queued to "
                    + "outbound-email-alert, which has its own",
            "outcome-results-file", "direct: sub-route; an error in it fails inbound-file's exchange "
                    + "(inbound-file-errors)",
            "recovery-lease-renew", "timer: a renewal that fails is logged by Camel's default error handler and tried "
                    + "again at the next tick",
            "inbound-sftp-results", "direct: sub-route; an error in it fails inbound-sftp's exchange (inbound-sftp-errors)",
            "inbound-sftp-put", "direct: sub-route of inbound-sftp-results and inbound-sftp-errors; an error fails its caller",
            "outbound-email-not-sent", "direct: the last step for a mail given up on; an error in it is its caller's",
            "replay-batch", "direct: entered from the MBean, which reports its failure; each request runs in replay-request "
                    + "(pipeline-errors)");

    static List<Path> routeFiles() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }

    @Test
    void every_route_file_is_valid_against_the_camel_yaml_dsl_schema() throws Exception {
        JsonSchema schema;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("camel-yaml-dsl ships its schema").isNotNull();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        assertThat(routeFiles()).isNotEmpty();
        for (Path file : routeFiles()) {
            Set<ValidationMessage> errors = schema.validate(YAML.readTree(file.toFile()));
            assertThat(errors).as(file + " against the YAML DSL schema").isEmpty();
        }
    }

    @Test
    void every_route_and_route_configuration_has_an_id_and_a_description() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Path file : routeFiles()) {
            for (JsonNode item : YAML.readTree(file.toFile())) {
                for (String kind : List.of("route", "routeConfiguration")) {
                    JsonNode def = item.get(kind);
                    if (def != null && (def.path("id").asText().isEmpty()
                            || def.path("description").asText().isEmpty())) {
                        problems.add(file + ": a " + kind + " without id or description");
                    }
                }
                if (item.has("from") || item.has("onException") || item.has("errorHandler")) {
                    problems.add(file + ": a bare top-level " + item.fieldNames().next());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void route_ids_are_kebab_case_and_start_with_their_file_s_first_word() throws Exception {
        for (Path file : routeFiles()) {
            String stage = file.getFileName().toString().split("[-.]")[0];
            for (JsonNode item : YAML.readTree(file.toFile())) {
                JsonNode route = item.get("route");
                if (route != null) {
                    String id = route.path("id").asText();
                    assertThat(id).as(file.toString()).matches("[a-z0-9]+(-[a-z0-9]+)*").startsWith(stage + "-");
                    String routeConfiguration = route.path("routeConfigurationId").asText();
                    if (!routeConfiguration.isEmpty()) {
                        assertThat(routeConfiguration).endsWith("-errors");
                    }
                }
            }
        }
    }

    @Test
    void every_route_names_an_existing_route_configuration_or_is_listed_with_the_reason_it_needs_none()
            throws Exception {
        Set<String> configurations = new TreeSet<>();
        Map<String, String> routes = new TreeMap<>(); // route id -> its routeConfigurationId ("" for none)
        for (Path file : routeFiles()) {
            for (JsonNode item : YAML.readTree(file.toFile())) {
                if (item.has("routeConfiguration")) {
                    configurations.add(item.get("routeConfiguration").path("id").asText());
                }
                if (item.has("route")) {
                    JsonNode route = item.get("route");
                    routes.put(route.path("id").asText(), route.path("routeConfigurationId").asText());
                }
            }
        }
        List<String> problems = new ArrayList<>();
        routes.forEach((id, named) -> {
            if (named.isEmpty() && !WITHOUT_ROUTE_CONFIGURATION.containsKey(id)) {
                problems.add(id + " names no routeConfigurationId: give it one, or list it in "
                        + "WITHOUT_ROUTE_CONFIGURATION with the reason it needs none");
            }
            if (!named.isEmpty() && WITHOUT_ROUTE_CONFIGURATION.containsKey(id)) {
                problems.add(id + " now names " + named + ": take it off WITHOUT_ROUTE_CONFIGURATION");
            }
            for (String configuration : named.isEmpty() ? new String[0] : named.split("\\s*,\\s*")) {
                if (!configurations.contains(configuration)) {
                    problems.add(id + " names " + configuration + ", which no route file defines");
                }
            }
        });
        WITHOUT_ROUTE_CONFIGURATION.keySet().stream().filter(id -> !routes.containsKey(id))
                .forEach(id -> problems.add(id + " is listed in WITHOUT_ROUTE_CONFIGURATION but no route has that id"));
        assertThat(routes).isNotEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void every_direct_route_id_equals_its_direct_name() throws Exception {
        for (Path file : routeFiles()) {
            for (JsonNode item : YAML.readTree(file.toFile())) {
                JsonNode route = item.get("route");
                String uri = route == null ? "" : route.path("from").path("uri").asText();
                if (uri.startsWith("direct:")) {
                    assertThat(route.path("id").asText()).isEqualTo(uri.substring("direct:".length()));
                }
            }
        }
    }

    @Test
    void every_exchange_property_the_routes_name_is_a_constant_of_card_exchange() throws Exception {
        java.util.Set<String> declared = new java.util.TreeSet<>();
        for (java.lang.reflect.Field field : io.cardroutes.pipeline.CardExchange.class.getFields()) {
            if (field.getType() == String.class && java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                declared.add((String) field.get(null));
            }
        }
        java.util.regex.Pattern used = java.util.regex.Pattern.compile(
                "(?:exchangeProperty\\.|name: )(card[A-Za-z]+)");
        java.util.Set<String> named = new java.util.TreeSet<>();
        for (Path file : routeFiles()) {
            java.util.regex.Matcher m = used.matcher(Files.readString(file));
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertThat(named).isNotEmpty();
        assertThat(declared).as("CardExchange names every property the route files use").containsAll(named);
    }
}
