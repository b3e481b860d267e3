package io.cardroutes.support;

import java.time.Clock;
import java.util.Set;

import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.SandboxSettings;

/**
 * An EnKash sandbox of the test's own, outside any bundle (it outlives the bundles a test starts,
 * kills and restarts), accepting the demo credentials that config/application.properties ships.
 */
public final class OutsideEnkash {

    private OutsideEnkash() {
    }

    /** Started on a free loopback port; every Create and search answer takes {@code latencyMs}. */
    public static EnkashSandbox start(long latencyMs, int threads) {
        return start(0, latencyMs, threads);
    }

    /** Started on {@code port} (0: a free one); every Create and search answer takes {@code latencyMs}. */
    public static EnkashSandbox start(int port, long latencyMs, int threads) {
        EnkashSandbox enkash = new EnkashSandbox(new SandboxSettings(port, "sandbox-client", "sandbox-secret",
                "9999999999", "sandbox-password", "SANDBOX-PARTNER", 3600, latencyMs, 0, 0, 1, false, null, Set.of(),
                threads), Clock.systemUTC());
        enkash.start();
        return enkash;
    }
}
