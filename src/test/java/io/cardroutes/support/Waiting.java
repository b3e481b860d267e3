package io.cardroutes.support;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Awaitility as these tests wait: {@code await("the results file").atMost(Duration.ofSeconds(60)).until(...)}.
 * The condition is checked at once and then every 25 ms (Awaitility's defaults first wait 100 ms, on
 * every drop and every results file); a wait that times out fails naming what it waited for.
 */
public final class Waiting {

    private static final Duration POLL = Duration.ofMillis(25);

    private Waiting() {
    }

    /** An Awaitility wait named {@code what}; give it {@code atMost(...)}. */
    public static ConditionFactory await(String what) {
        return Awaitility.await(what).pollDelay(Duration.ZERO).pollInterval(POLL);
    }
}
