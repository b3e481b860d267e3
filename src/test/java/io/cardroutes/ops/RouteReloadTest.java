package io.cardroutes.ops;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import io.cardroutes.support.Bundle;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator edits a route file of the running bundle: the change takes effect without a restart,
 * and a broken edit leaves the bundle running on the routes it had.
 */
class RouteReloadTest {

    @TempDir
    Path routes;

    @Test
    void an_edited_route_file_is_reloaded_and_a_broken_one_leaves_the_running_routes_alone() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        try (Bundle bundle = Bundle.start(Map.of(
                "camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml",
                "camel.main.routes-reload-enabled", "true",
                "camel.main.routes-reload-directory", routes.toString()))) {
            bundle.freshSandbox();
            Path outcome = routes.resolve("outcome.camel.yaml");
            String original = Files.readString(outcome);

            Files.writeString(outcome, original.replace(
                    "description: Records a request's outcome in the database and keeps the outcome as the message body",
                    "description: Records each outcome (edited by an operator)"));
            await("the edited route to be reloaded").atMost(Duration.ofSeconds(30))
                    .until(() -> description(bundle, "outcome-store").contains("edited by an operator"));

            Files.writeString(outcome, original.replace("- route:", "- route: [broken"));
            // the broken file is reported and skipped (the log says so), and the bundle goes on working
            await("the broken file to be reported").atMost(Duration.ofSeconds(30))
                    .until(() -> log().contains("Error reloading routes from file: " + outcome));
            bundle.drop("after-broken.json", "{\"requestId\":\"RELOAD-1\",\"mobile\":\"9876501601\"}");
            assertThat(bundle.awaitResults("after-broken.json").get(0).get("status").asText()).isEqualTo("CREATED");
            assertThat(bundle.context().getRoutes()).extracting(Route::getRouteId)
                    .contains("outcome-store", "card-pipeline", "inbound-file", "enkash-create");
        }
    }

    private static String log() {
        try {
            return Files.readString(Path.of("target/test-logs/bundle.log"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String description(Bundle bundle, String routeId) {
        Route route = bundle.context().getRoute(routeId);
        return route == null || route.getDescription() == null ? "" : route.getDescription();
    }
}
