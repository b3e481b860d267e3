package io.cardroutes.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.OutsideEnkash;
import io.cardroutes.support.PrivatePlace;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alerts to operations through a real SMTP server (GreenMail): an outage's failed requests in a few
 * digest mails, EnKash unreachable, the EnKash login locked.
 */
class AlertMailTest {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort())
            .withPerMethodLifecycle(false);

    private static final Pattern FAILED = Pattern.compile("alert: (\\d+) FAILED");

    @BeforeEach
    void clean() throws Exception {
        smtp.purgeEmailFromAllMailboxes();
    }

    @Test
    void an_outage_that_fails_300_requests_sends_one_digest_per_window_and_one_unreachable_alert_then_one_all_clear()
            throws Exception {
        Map<String, String> props = mail();
        int enkashPort = PrivatePlace.freePort();
        props.put("enkash.base-url", "http://127.0.0.1:" + enkashPort); // nothing listens there, until EnKash is back
        props.put("enkash.retry.max-redeliveries", "0");
        props.put("app.mail.alert.digest-ms", "5000");
        props.put("app.mail.alert.unreachable-after-ms", "300");
        props.put("app.mail.alert.check-ms", "100");
        StringBuilder csv = new StringBuilder("requestId,firstName,mobile\n");
        for (int i = 0; i < 300; i++) {
            csv.append("OUT-").append(i).append(",Asha,90000").append(String.format("%05d", i)).append('\n');
        }
        try (Bundle bundle = Bundle.start(props)) {
            long start = System.nanoTime();
            bundle.drop("outage.csv", csv.toString());
            assertThat(bundle.awaitResults("outage.csv")).hasSize(300)
                    .allMatch(r -> r.get("status").asText().equals("FAILED"));

            Bundle.await(() -> failedInDigests() == 300, Duration.ofSeconds(60), "every FAILED request in a digest");
            long windows = Duration.ofNanos(System.nanoTime() - start).toMillis() / 5000 + 1;
            List<MimeMessage> digests = withSubject("FAILED");
            assertThat(digests).as("one digest per window at most, however many requests failed")
                    .hasSizeBetween(1, (int) windows);
            assertThat(digests.size()).as("a few mails, not one per request").isLessThan(30);
            MimeMessage largest = digests.stream().max(java.util.Comparator.comparingInt(AlertMailTest::failed)).get();
            assertThat(failed(largest)).isGreaterThan(20);
            String first = GreenMailUtil.getBody(largest);
            assertThat(first).contains("OUT-").contains("more; every outcome is in the database")
                    .doesNotContain("9000000");
            assertThat(first.lines().filter(l -> l.startsWith("OUT-")).count()).isEqualTo(20);
            List<MimeMessage> unreachable = withSubject("EnKash unreachable");
            assertThat(unreachable).hasSize(1);
            assertThat(GreenMailUtil.getBody(unreachable.get(0))).contains("No call to EnKash has got an answer since");

            EnkashSandbox enkash = OutsideEnkash.start(enkashPort, 0, 2);
            try {
                bundle.drop("after.csv", "requestId,firstName,mobile\nBACK-1,Asha,9000020001\n");
                assertThat(bundle.awaitResults("after.csv").get(0).get("status").asText()).isEqualTo("CREATED");
                Bundle.await(() -> withSubject("EnKash reachable again").size() == 1, Duration.ofSeconds(30),
                        "the all-clear mail");
                assertThat(withSubject("EnKash unreachable")).as("still one outage mail").hasSize(1);
            } finally {
                enkash.stop();
            }
        }
    }

    @Test
    void a_locked_login_is_mailed_once() throws Exception {
        Map<String, String> props = mail();
        props.put("enkash.sandbox.password", "the-password-enkash-knows"); // the bundle logs in with another
        props.put("app.mail.alert.digest-ms", "500");
        props.put("app.mail.alert.check-ms", "100");
        try (Bundle bundle = Bundle.start(props)) {
            bundle.drop("locked.csv", "requestId,firstName,mobile\nLOCK-1,Asha,9000010001\nLOCK-2,Ravi,9000010002\n"
                    + "LOCK-3,Uma,9000010003\n");
            assertThat(bundle.awaitResults("locked.csv")).hasSize(3);

            Bundle.await(() -> failedInDigests() == 3, Duration.ofSeconds(30), "the three FAILED requests in a digest");
            Bundle.await(() -> withSubject("login locked").size() == 1, Duration.ofSeconds(30), "the lock alert");
            bundle.drop("locked-again.csv", "requestId,firstName,mobile\nLOCK-4,Asha,9000010004\n");
            assertThat(bundle.awaitResults("locked-again.csv")).hasSize(1);
            Bundle.await(() -> failedInDigests() == 4, Duration.ofSeconds(30), "the fourth FAILED request in a digest");
            MimeMessage lock = withSubject("login locked").get(0);
            assertThat(withSubject("login locked")).as("once, not at every check").hasSize(1);
            assertThat(lock.getAllRecipients()[0].toString()).isEqualTo("cards-ops@corp.example");
            assertThat(GreenMailUtil.getBody(lock)).contains("login-lock/clear").doesNotContain("sandbox-password");
        }
    }

    private static Map<String, String> mail() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("app.mail.enabled", "true");
        props.put("app.mail.host", "127.0.0.1");
        props.put("app.mail.port", String.valueOf(smtp.getSmtp().getPort()));
        props.put("app.mail.alert.to", "cards-ops@corp.example");
        props.put("app.mail.alert.max-listed", "20");
        return props;
    }

    private static int failedInDigests() {
        return withSubject("FAILED").stream().mapToInt(AlertMailTest::failed).sum();
    }

    /** The count of FAILED requests a digest's subject names. */
    private static int failed(MimeMessage digest) {
        Matcher m = FAILED.matcher(subject(digest));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static List<MimeMessage> withSubject(String part) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(m -> subject(m).contains(part)).toList();
    }

    private static String subject(MimeMessage mail) {
        try {
            return mail.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
