package io.cardroutes.mail;

import java.util.Properties;

import io.cardroutes.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mail.MailComponent;

/**
 * The one mail server every mail goes through (app.mail.*): its login and STARTTLS, set on the
 * {@code smtp} component so that neither appears in a route file or an endpoint URI.
 */
public final class MailSetup {

    private MailSetup() {
    }

    public static void configure(CamelContext context, Settings settings) {
        MailComponent smtp = context.getComponent("smtp", MailComponent.class);
        String user = settings.text("app.mail.user", "");
        if (!user.isEmpty()) {
            smtp.getConfiguration().setUsername(user);
            smtp.getConfiguration().setPassword(settings.text("app.mail.password", ""));
        }
        String timeout = settings.text("app.mail.timeout-ms");
        Properties extra = new Properties();
        extra.setProperty("mail.smtp.connectiontimeout", timeout);
        extra.setProperty("mail.smtp.timeout", timeout);
        extra.setProperty("mail.smtp.writetimeout", timeout);
        if (settings.flag("app.mail.tls")) {
            // STARTTLS or nothing: never fall back to sending the login and the mail in clear text
            extra.setProperty("mail.smtp.starttls.enable", "true");
            extra.setProperty("mail.smtp.starttls.required", "true");
            extra.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        }
        smtp.getConfiguration().setAdditionalJavaMailProperties(extra);
    }
}
