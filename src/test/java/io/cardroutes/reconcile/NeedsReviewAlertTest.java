package io.cardroutes.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.Fault;
import io.cardroutes.support.Bundle;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A request that needs a person is mailed to the operations team in the next alert digest (a real SMTP server, GreenMail). */
class NeedsReviewAlertTest {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort())
            .withPerMethodLifecycle(false);

    @Test
    void a_request_that_needs_review_is_mailed_with_its_candidates_and_without_personal_data() throws Exception {
        smtp.setUser("alerts", "alert-pass");
        try (Bundle bundle = Bundle.start(Map.of(
                "app.mail.enabled", "true",
                "app.mail.alert.to", "cards-ops@corp.example",
                "app.mail.alert.digest-ms", "200",
                "app.mail.host", "127.0.0.1",
                "app.mail.port", String.valueOf(smtp.getSmtp().getPort()),
                "app.mail.user", "alerts",
                "app.mail.password", "alert-pass"))) {
            EnkashSandbox sandbox = bundle.freshSandbox();
            String person = "\"firstName\":\"Uma\",\"mobile\":\"9876501501\",\"email\":\"uma@example.com\"";
            // a card issued by hand while the request is in flight, and the request's own whose answer is lost
            sandbox.seedCard(Map.of("companyId", "SANDBOX-COMPANY", "cardAccountId", "SANDBOX-ACCOUNT",
                    "firstName", "Uma", "mobile", "9876501501", "email", "uma@example.com"),
                    java.time.Instant.now().plusSeconds(1));
            sandbox.enqueue(Fault.answerLost(502));
            bundle.drop("third.json", "{\"requestId\":\"MAIL-3\"," + person + "}");
            assertThat(bundle.awaitResults("third.json").get(0).get("status").asText()).isEqualTo("NEEDS_REVIEW");

            assertThat(smtp.waitForIncomingEmail(30_000, 1)).isTrue();
            MimeMessage mail = smtp.getReceivedMessages()[0];
            assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("cards-ops@corp.example");
            assertThat(mail.getSubject()).contains("1 NEEDS_REVIEW");
            String body = GreenMailUtil.getBody(mail);
            assertThat(body).contains("MAIL-3  NEEDS_REVIEW  (FILE third.json)");
            sandbox.cards().forEach(c -> assertThat(body).contains((String) c.get("enKashCardId")));
            assertThat(body).doesNotContain("9876501501").doesNotContain("uma@example.com");
        }
    }
}
