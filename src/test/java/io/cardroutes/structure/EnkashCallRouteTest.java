package io.cardroutes.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * One route file talks to EnKash: routes/enkash-call.camel.yaml holds the EnKash URLs, the token, the
 * partnerId, Content-Type and User-Agent headers; the Create and search routes reach EnKash only through
 * direct:enkash-call, and no Java class drives an EnKash call route (calls go route -> bean -> back).
 */
class EnkashCallRouteTest {

    private static final Path CALL_FILE = Path.of("routes/enkash-call.camel.yaml");
    private static final List<String> CALL_ONLY = List.of("{{enkash.base-url}}", "{{enkash.token-url}}",
            "name: partnerId", "name: Content-Type", "name: User-Agent", "method: authorize", "method: invalidate",
            "enkashCodec");

    @Test
    void only_the_enkash_call_file_holds_the_enkash_urls_token_and_headers() throws Exception {
        List<String> elsewhere = new ArrayList<>();
        for (Path file : RouteFilesTest.routeFiles()) {
            String text = Files.readString(file);
            for (String mark : CALL_ONLY) {
                if (text.contains(mark) && !file.equals(CALL_FILE)) {
                    elsewhere.add(file + ": " + mark);
                }
            }
        }
        assertThat(elsewhere).isEmpty();
        String call = Files.readString(CALL_FILE);
        assertThat(CALL_ONLY).allSatisfy(mark -> assertThat(call).contains(mark));
    }

    @Test
    void create_and_search_reach_enkash_through_the_enkash_call_route() throws Exception {
        assertThat(Files.readString(Path.of("routes/enkash-create.camel.yaml"))).contains("uri: direct:enkash-call\n")
                .contains("constant: create");
        assertThat(Files.readString(Path.of("routes/enkash-reconcile.camel.yaml"))).contains("uri: direct:enkash-call\n")
                .contains("constant: search");
    }

    @Test
    void no_java_class_sends_to_the_enkash_call_create_or_search_routes() throws Exception {
        List<String> drivers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                for (String route : List.of("direct:enkash-call", "direct:enkash-create", "direct:enkash-search",
                        "direct:enkash-reconcile")) {
                    if (text.contains(route)) {
                        drivers.add(file + ": " + route);
                    }
                }
            }
        }
        assertThat(drivers).isEmpty();
    }
}
