package io.cardroutes.channels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Overrides and request bodies the channel tests share. */
final class ChannelTesting {

    /** Mobiles 98765xxxxx: NoSecretsInLogsTest fails the build if one of them is ever logged. */
    private static final AtomicInteger MOBILES = new AtomicInteger(10_000 + (int) (Math.random() * 50_000));

    private ChannelTesting() {
    }

    /** The embedded broker on a free port with a journal of its own. */
    static Map<String, String> embeddedBroker() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("app.broker.embedded.port", String.valueOf(freePort()));
        try {
            props.put("app.broker.data-dir", Files.createTempDirectory("broker-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props.put("app.broker.embedded.redelivery-delay-ms", "50");
        return props;
    }

    /** Where a JMS client of the test reaches the embedded broker that {@code props} configure. */
    static String brokerUrl(Map<String, String> props) {
        return "tcp://localhost:" + props.get("app.broker.embedded.port") + "?useEpoll=false";
    }

    static int freePort() {
        return io.cardroutes.support.PrivatePlace.freePort();
    }

    static String mobile() {
        return "98765" + String.format("%05d", MOBILES.incrementAndGet() % 100_000);
    }

    /** A request the sandbox accepts (company and card account come from the bundle's defaults). */
    static String request(String mobile) {
        return "{\"firstName\":\"Asha\",\"lastName\":\"Rao\",\"mobile\":\"" + mobile
                + "\",\"email\":\"asha.rao@example.com\"}";
    }

    static String request(String requestId, String mobile) {
        return "{\"requestId\":\"" + requestId + "\",\"firstName\":\"Asha\",\"lastName\":\"Rao\",\"mobile\":\""
                + mobile + "\",\"email\":\"asha.rao@example.com\"}";
    }
}
