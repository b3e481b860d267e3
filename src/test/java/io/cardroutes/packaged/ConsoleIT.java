package io.cardroutes.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.cardroutes.support.Bundle;
import io.cardroutes.support.HeadlessChromium;
import io.cardroutes.support.PrivatePlace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hawtio console as an operator sees it: the packaged jar with the console on (as shipped), opened in
 * a real headless browser, lists the bundle's routes by id; the screenshot goes to
 * {@code target/hawtio-console.png}. Runs in the {@code console} profile: {@code mvn -B verify -Pconsole}.
 */
class ConsoleIT {

    static final Path SCREENSHOT = Path.of("target/hawtio-console.png");
    private static final List<String> ROUTE_IDS = List.of("inbound-file", "card-pipeline", "enkash-create", "outcome-store");

    @TempDir
    Path home;

    @Test
    void the_console_lists_the_bundle_routes_by_id_in_a_browser() throws Exception {
        int managementPort = PrivatePlace.freePort();
        try (PackagedJar jar = new PackagedJar(home).env("APP_HAWTIO_ENABLED", "true")
                .env("APP_MANAGEMENT_PORT", String.valueOf(managementPort))) {
            jar.start();
            String console = "http://127.0.0.1:" + managementPort + "/hawtio/";
            awaitConsole(URI.create(console));

            try (HeadlessChromium browser = HeadlessChromium.start(1400, 900)) {
                browser.open(console + "camel/routes");
                // the Camel tree lists the routes by id; its "routes" node opens their table (state, exchange counts)
                awaitText(browser, ROUTE_IDS, "the Camel tree to list the routes");
                browser.evaluate("[...document.querySelectorAll('.pf-v5-c-tree-view__node, .pf-v5-c-tree-view__node-container')]"
                        + ".find(n => n.textContent.trim() === 'routes').click()");
                List<String> table = new java.util.ArrayList<>(ROUTE_IDS);
                table.addAll(List.of("Route Diagram", "Completed", "Failed", "Started"));
                awaitText(browser, table, "the routes table");
                browser.screenshot(SCREENSHOT);
            }
            assertThat(Files.size(SCREENSHOT)).as("a screenshot with something on it").isGreaterThan(20_000L);
        }
    }

    /** Waits until the page shows every one of {@code expected}; on a timeout, saves the screenshot and says what it showed. */
    private static void awaitText(HeadlessChromium browser, List<String> expected, String what) throws Exception {
        StringBuilder seen = new StringBuilder();
        try {
            Bundle.await(() -> {
                try {
                    seen.setLength(0);
                    seen.append(browser.text());
                    return expected.stream().allMatch(text -> seen.indexOf(text) >= 0);
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(90), what + " " + expected);
        } catch (AssertionError notShown) {
            browser.screenshot(SCREENSHOT);
            throw new AssertionError(notShown.getMessage() + "; the page showed: " + seen, notShown);
        }
    }

    private static void awaitConsole(URI page) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Bundle.await(() -> {
            try {
                return http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200;
            } catch (Exception notYet) {
                return false;
            }
        }, Duration.ofSeconds(90), "the console at " + page);
    }
}
