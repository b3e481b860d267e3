package io.cardroutes.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.management.ObjectName;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.cardroutes.ops.CardOperations;
import io.cardroutes.support.Bundle;
import io.cardroutes.support.SmtpFront;
import jakarta.mail.Address;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Summary mails of finished batches through a real SMTP server (GreenMail) behind a front that can
 * refuse (SmtpFront): the counts and the CSV of outcomes, the REST batch's notifyEmail, and a mail
 * server that refuses for now (451) or for good (550).
 */
class BatchSummaryMailTest {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort())
            .withPerMethodLifecycle(false);

    private static final String KEY = "mail-test-key-" + UUID.randomUUID();
    private static SmtpFront front;
    private static Bundle bundle;

    @BeforeAll
    static void boot() throws Exception {
        front = new SmtpFront(smtp.getSmtp().getPort());
        bundle = Bundle.start(Map.of(
                "app.mail.enabled", "true",
                "app.mail.host", "127.0.0.1",
                "app.mail.port", String.valueOf(front.port()),
                "app.mail.batch.to", "card-batches@corp.example",
                "app.mail.alert.to", "cards-ops@corp.example",
                "app.mail.retry.initial-delay-ms", "100",
                "app.mail.retry.max-delay-ms", "400",
                "app.api-keys", KEY));
    }

    @AfterAll
    static void shutdown() throws Exception {
        bundle.close();
        front.close();
    }

    @BeforeEach
    void clean() throws Exception {
        bundle.freshSandbox();
        smtp.purgeEmailFromAllMailboxes();
    }

    @Test
    void a_finished_file_is_summed_up_in_one_mail_with_a_csv_of_its_outcomes_and_no_personal_data() throws Exception {
        bundle.drop("summary.csv", """
                requestId,firstName,lastName,mobile,email
                SUM-1,Asha,Rao,9876500101,asha.one@example.com
                SUM-2,Ravi,Kumar,9876500102,ravi.two@example.com
                SUM-3,Bad,Mobile,12345,bad.three@example.com
                """);
        assertThat(bundle.awaitResults("summary.csv")).hasSize(3);

        MimeMessage mail = onlyMail();
        assertThat(addresses(mail)).containsExactly("card-batches@corp.example");
        assertThat(mail.getSubject()).contains("summary.csv").contains("3 request(s)").contains("CREATED 2")
                .contains("REJECTED 1");
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        String text = (String) parts.getBodyPart(0).getContent();
        assertThat(text).containsPattern("CREATED\\s+2").containsPattern("REJECTED\\s+1");
        Part attachment = parts.getBodyPart(1);
        assertThat(attachment.getFileName()).isEqualTo("summary.csv.outcomes.csv");
        assertThat(attachment.getContentType()).startsWith("text/csv");
        List<String> lines = new String(attachment.getInputStream().readAllBytes(), "UTF-8").lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("requestId,status,enKashCardId,mobile,email,error");
        String card1 = (String) bundle.row("SUM-1").get("enkash_card_id");
        assertThat(lines.get(1)).isEqualTo("SUM-1,CREATED," + card1 + ",******0101,a***@example.com,");
        assertThat(lines.get(2)).startsWith("SUM-2,CREATED,EKC").contains(",******0102,r***@example.com,");
        assertThat(lines.get(3)).startsWith("SUM-3,REJECTED,,***45,b***@example.com,").contains("mobile");
        String whole = GreenMailUtil.getWholeMessage(mail);
        assertThat(whole).doesNotContain("9876500101").doesNotContain("asha.one@example.com")
                .doesNotContain("bad.three@example.com");
    }

    @Test
    void a_rest_batch_is_summed_up_to_its_notify_email_too_without_the_api_key() throws Exception {
        String body = "[{\"firstName\":\"Uma\",\"mobile\":\"9876500111\",\"email\":\"uma.rest@example.com\"},"
                + "{\"firstName\":\"Om\",\"mobile\":\"9876500112\",\"email\":\"om.rest@example.com\"}]";
        HttpResponse<String> accepted = post("/cards/batch?notifyEmail=partner.ops@partner.example", body);
        assertThat(accepted.statusCode()).isEqualTo(202);

        MimeMessage mail = onlyMail(2); // GreenMail keeps one copy per recipient
        assertThat(addresses(mail)).containsExactlyInAnyOrder("card-batches@corp.example", "partner.ops@partner.example");
        assertThat(mail.getSubject()).contains("2 request(s)").contains("CREATED 2");
        String whole = GreenMailUtil.getWholeMessage(mail);
        assertThat(whole).doesNotContain(KEY).doesNotContainIgnoringCase("X-API-Key")
                .doesNotContain("9876500111").doesNotContain("uma.rest@example.com").contains("******0111");

        assertThat(post("/cards/batch?notifyEmail=not-an-address", body).statusCode()).isEqualTo(400);
    }

    @Test
    void a_mail_server_that_refuses_with_451_gets_the_mail_again_and_takes_it() throws Exception {
        long notSentBefore = attribute("MailsNotSent");
        int refusedBefore = front.refused();
        front.refuse(1, 451);

        bundle.drop("refused-once.json", "{\"requestId\":\"SUM-451\",\"firstName\":\"Ira\",\"mobile\":\"9876500121\"}");
        bundle.awaitResults("refused-once.json");

        MimeMessage mail = onlyMail();
        assertThat(mail.getSubject()).contains("refused-once.json").contains("CREATED 1");
        assertThat(front.refused() - refusedBefore).as("the first try got 451").isEqualTo(1);
        assertThat(attribute("MailsNotSent")).isEqualTo(notSentBefore);
    }

    @Test
    void a_mail_refused_for_good_is_counted_and_not_tried_again() throws Exception {
        long notSentBefore = attribute("MailsNotSent");
        int refusedBefore = front.refused();
        front.refuse(5, 550);

        bundle.drop("refused.json", "{\"requestId\":\"SUM-550\",\"firstName\":\"Ila\",\"mobile\":\"9876500131\"}");
        bundle.awaitResults("refused.json");

        Bundle.await(() -> attribute("MailsNotSent") == notSentBefore + 1, Duration.ofSeconds(30),
                "the refused mail to be counted");
        front.refuse(0, 451);
        assertThat(front.refused() - refusedBefore).as("550 is not tried again").isEqualTo(1);
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    private static MimeMessage onlyMail() throws Exception {
        return onlyMail(1);
    }

    /** The one mail sent, to {@code recipients} addresses. */
    private static MimeMessage onlyMail(int recipients) throws Exception {
        assertThat(smtp.waitForIncomingEmail(30_000, 1)).as("a mail arrives").isTrue();
        Bundle.await(() -> smtp.getReceivedMessages().length >= recipients, Duration.ofSeconds(10), "every copy");
        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails).hasSize(recipients);
        assertThat(Arrays.stream(mails).map(m -> {
            try {
                return m.getMessageID();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).distinct()).hasSize(1);
        return mails[0];
    }

    private static List<String> addresses(MimeMessage mail) throws Exception {
        return Arrays.stream(mail.getAllRecipients()).map(Address::toString).distinct().toList();
    }

    private static long attribute(String name) {
        try {
            return (Long) ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName(CardOperations.OBJECT_NAME), name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + bundle.httpPort + "/api/v1" + path))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
