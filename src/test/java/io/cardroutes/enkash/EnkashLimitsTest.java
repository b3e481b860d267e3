package io.cardroutes.enkash;

import static io.cardroutes.support.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.cardroutes.ops.ManagementMetrics;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.sandbox.RecordedCall;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.OutsideEnkash;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.Test;

/**
 * EnKash's limits hold for all instances together: two bundles on one database and one EnKash stay under
 * the shared requests-per-second ceiling, a Retry-After that one of them received holds the other back,
 * and while EnKash is down the circuit breaker makes requests wait instead of using up their redeliveries.
 */
class EnkashLimitsTest {

    @Test
    void two_instances_on_one_database_stay_under_the_shared_requests_per_second_ceiling() throws Exception {
        EnkashSandbox enkash = OutsideEnkash.start(0, 16);
        try (Bundle a = Bundle.start(against(enkash, Map.of("enkash.rate.max-per-second", "10")));
             Bundle b = Bundle.start(against(enkash, Map.of("enkash.rate.max-per-second", "10",
                     "app.db.url", databaseOf(a))))) {
            a.drop("a.json", requests("RATE-A", 50, 0));
            b.drop("b.json", requests("RATE-B", 50, 50));

            List<String> statuses = statuses(a.awaitResults("a.json"));
            statuses.addAll(statuses(b.awaitResults("b.json")));

            assertThat(statuses).hasSize(100).containsOnly("CREATED");
            List<RecordedCall> calls = enkash.createCallsReceived();
            assertThat(calls).hasSize(100);
            // the margin: a call may go up to half a slot late (one more in a window), and the machine's own jitter
            assertThat(enkash.peakCreatesPerSecond()).as("Create calls in any one second, arrivals (ms): %s",
                    calls.stream().map(c -> Duration.between(calls.get(0).receivedAt(), c.receivedAt()).toMillis()).toList())
                    .isBetween(5, 12);
            // 99 slots of 100 ms on the database's clock; arrivals at the sandbox jitter (a first call that arrives late
            // shortens the span it measures: 9.74 s once on a busy machine), so this bounds a burst, the peak above is the proof
            assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(99).receivedAt()))
                    .as("100 calls at 10 a second").isGreaterThanOrEqualTo(Duration.ofMillis(9_000));
        } finally {
            enkash.stop();
        }
    }

    @Test
    void a_retry_after_received_by_one_instance_holds_the_other_back() throws Exception {
        EnkashSandbox enkash = OutsideEnkash.start(0, 16);
        try (Bundle a = Bundle.start(against(enkash, Map.of()));
             Bundle b = Bundle.start(against(enkash, Map.of("app.db.url", databaseOf(a))))) {
            enkash.enqueue(Fault.status(429, 2));
            a.drop("a.json", requests("PAUSE-A", 1, 0));
            await("A's 429").atMost(Duration.ofSeconds(30)).until(() -> !enkash.createCallsReceived().isEmpty());
            b.drop("b.json", requests("PAUSE-B", 1, 1));

            assertThat(statuses(b.awaitResults("b.json"))).containsExactly("CREATED");
            assertThat(statuses(a.awaitResults("a.json"))).containsExactly("CREATED");
            List<RecordedCall> calls = enkash.createCallsReceived();
            assertThat(calls).extracting(RecordedCall::status).containsExactly(429, 200, 200);
            RecordedCall told = calls.get(0);
            RecordedCall fromB = calls.stream().filter(c -> c.body().contains("PAUSE-B") || c.body().contains(mobile(1)))
                    .findFirst().orElseThrow();
            assertThat(Duration.between(told.receivedAt(), fromB.receivedAt()))
                    .as("B's call after A was told Retry-After: 2").isGreaterThanOrEqualTo(Duration.ofMillis(1_950));
        } finally {
            enkash.stop();
        }
    }

    @Test
    void while_enkash_is_down_the_open_circuit_makes_requests_wait_and_they_are_created_once_it_is_back()
            throws Exception {
        EnkashSandbox enkash = OutsideEnkash.start(0, 16);
        try (Bundle bundle = Bundle.start(against(enkash, Map.of("enkash.circuit.enabled", "true", "enkash.circuit.minimum-calls", "3",
                "enkash.circuit.open-ms", "1000", "enkash.circuit.half-open-calls", "1")))) {
            CircuitBreaker breaker = bundle.context().getRegistry()
                    .lookupByNameAndType("enkashCircuitBreaker", CircuitBreaker.class);
            AtomicInteger opened = new AtomicInteger();
            breaker.getEventPublisher().onStateTransition(e -> {
                if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                    opened.incrementAndGet();
                }
            });
            enkash.unavailable(true);

            bundle.drop("down.json", requests("CIRCUIT", 6, 11));
            await("the circuit to open").atMost(Duration.ofSeconds(30)).until(() -> opened.get() >= 1);
            assertThat(circuitGauge(bundle)).isEqualTo(1.0);
            assertThat(circuitHealth(bundle).getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(circuitHealth(bundle).getMessage()).hasValueSatisfying(m -> assertThat(m).contains("open"));
            // EnKash stays down through two more trials (about 2 s): far longer than 6 attempts' back-off (< 1 s)
            await("two failed trials while half open").atMost(Duration.ofSeconds(30)).until(() -> opened.get() >= 3);
            enkash.unavailable(false);

            JsonNode results = bundle.awaitResults("down.json");
            assertThat(statuses(results)).hasSize(6).containsOnly("CREATED");
            for (int i = 11; i < 17; i++) {
                assertThat(enkash.cardsCreatedFor(mobile(i))).as("cards for " + mobile(i)).isEqualTo(1);
            }
            List<RecordedCall> calls = enkash.createCallsReceived();
            assertThat(calls).filteredOn(c -> c.status() == 200).hasSize(6);
            assertThat(calls).filteredOn(c -> c.status() == 503).as("sent while EnKash was down (6 x 6 without the"
                    + " circuit breaker)").hasSizeLessThan(20);
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(circuitGauge(bundle)).isEqualTo(0.0);
        } finally {
            enkash.stop();
        }
    }

    @Test
    void answers_lost_in_bulk_open_the_circuit_and_every_request_is_still_settled_once() throws Exception {
        EnkashSandbox enkash = OutsideEnkash.start(0, 16);
        // the default breaker (on, 50 % of at least 20 calls) with a short open time, so that the test is quick
        try (Bundle bundle = Bundle.start(against(enkash, Map.of("enkash.circuit.open-ms", "1000")))) {
            CircuitBreaker breaker = bundle.context().getRegistry()
                    .lookupByNameAndType("enkashCircuitBreaker", CircuitBreaker.class);
            AtomicInteger opened = new AtomicInteger();
            breaker.getEventPublisher().onStateTransition(e -> {
                if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                    opened.incrementAndGet();
                }
            });
            for (int i = 0; i < 50; i++) {
                enkash.enqueue(Fault.answerLost(504)); // EnKash made the card; its answer is lost
            }

            bundle.drop("lost.json", requests("LOST", 50, 100));
            JsonNode results = bundle.awaitResults("lost.json");

            assertThat(opened.get()).as("50 answers lost in a row is EnKash failing").isGreaterThanOrEqualTo(1);
            assertThat(statuses(results)).hasSize(50).containsOnly("CREATED");
            for (int i = 100; i < 150; i++) {
                assertThat(enkash.cardsCreatedFor(mobile(i))).as("cards for " + mobile(i)).isEqualTo(1);
            }
            assertThat(enkash.createCalls()).as("every lost answer settled by the card search, none sent twice")
                    .isEqualTo(50);
        } finally {
            enkash.stop();
        }
    }

    private static Map<String, String> against(EnkashSandbox enkash, Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(overrides);
        props.put("enkash.sandbox.enabled", "false");
        props.put("enkash.base-url", enkash.baseUrl());
        return props;
    }

    /** The H2 database of bundle {@code a}, for a second bundle to share. */
    private static String databaseOf(Bundle a) {
        return "jdbc:h2:file:" + a.home.resolve("db/cards") + ";WRITE_DELAY=0";
    }

    private static String requests(String prefix, int count, int firstMobile) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append("{\"requestId\":\"").append(prefix).append('-').append(i)
                    .append("\",\"mobile\":\"").append(mobile(firstMobile + i)).append("\"}");
        }
        return json.append(']').toString();
    }

    private static String mobile(int i) {
        return String.format("98770%05d", i);
    }

    private static List<String> statuses(JsonNode results) {
        List<String> statuses = new java.util.ArrayList<>();
        results.forEach(r -> statuses.add(r.get("status").asText()));
        return statuses;
    }

    private static double circuitGauge(Bundle bundle) {
        return ManagementMetrics.registry(bundle.context()).get("cardroutes.enkash.circuit.state").gauge().value();
    }

    private static org.apache.camel.health.HealthCheck.Result circuitHealth(Bundle bundle) {
        return HealthCheckHelper.invoke(bundle.context()).stream()
                .filter(r -> r.getCheck().getId().equals("enkash-circuit")).findFirst().orElseThrow();
    }
}
