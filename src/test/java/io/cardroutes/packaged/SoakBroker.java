package io.cardroutes.packaged;

import java.nio.file.Path;

import io.cardroutes.channels.BrokerSettings;
import io.cardroutes.channels.EmbeddedBroker;

/**
 * The soak test's Artemis broker, in a JVM of its own ({@code java -cp <test classpath> ... SoakBroker
 * <port> <data folder>}), as a site's external broker is: set up as the bundle's embedded one (persistent
 * journal, the bundle's queues, accepted REST batches never dead-lettered), so killing a bundle loses no
 * message. Runs until the test ends its process.
 */
public final class SoakBroker {

    private SoakBroker() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path data = Path.of(args[1]);
        EmbeddedBroker broker = new EmbeddedBroker(new BrokerSettings("", "", "", port, data, 20, 200,
                "enkash.cards.requests", "enkash.cards.results", "enkash.cards.dlq", false, "enkash.cards.batch-work"));
        broker.start();
        System.out.println("soak broker listening on " + port);
        Thread.currentThread().join();
    }
}
