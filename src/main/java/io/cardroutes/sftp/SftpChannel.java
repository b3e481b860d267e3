package io.cardroutes.sftp;

import java.nio.file.Files;
import java.time.Clock;

import io.cardroutes.Settings;
import io.cardroutes.ops.ManagementMetrics;
import io.cardroutes.persistence.Database;
import io.cardroutes.persistence.TakenFiles;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds what routes/inbound-sftp.camel.yaml uses: the repository of taken files ({@code takenFiles}), the
 * poll strategy and the health check. Switches its route on only when {@code app.sftp.enabled}, and then
 * checks what the route is given: the host-key rule is yes or no (a warning at every start when no), the
 * key and known-hosts files are made absolute against the bundle's home, and a login is configured. A
 * missing file or an unreachable server does not stop the bundle: the channel's polls fail, are retried
 * with back-off and show in the log and the health check.
 */
public class SftpChannel implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SftpChannel.class);
    static final String ROUTE = "inbound-sftp";
    static final String[] FILES = {"app.sftp.known-hosts", "app.sftp.private-key-file"};

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        // the input files taken, in the bundle's database: the SFTP channel and the inbox folder's read lock use it
        context.getRegistry().bind("takenFiles", new TakenFiles(context.hasService(Database.class)));
        SftpInbox inbox = new SftpInbox(Clock.systemUTC(), ManagementMetrics.registry(context));
        context.getRegistry().bind("sftpInbox", inbox);
        if (!settings.flag("app.sftp.enabled")) {
            // the route is loaded (its file is valid and reloadable) but never polls
            String excluded = context.getAutoStartupExcludePattern();
            context.setAutoStartupExcludePattern(excluded == null || excluded.isBlank() ? ROUTE : excluded + "," + ROUTE);
            // and is no reason for health DOWN: Camel's route and consumer checks would call a stopped route DOWN
            excludeFromHealth(context, "route:" + ROUTE + ",consumer:" + ROUTE);
            return;
        }
        // a partner's server that is down shows in sftp-inbox (reported, not readiness); Camel's consumer check
        // would make readiness flap with the back-off and take REST and JMS out of service with it
        excludeFromHealth(context, "consumer:" + ROUTE);
        context.getRegistry().bind("sftpInboxHealth", inbox.healthCheck());
        PropertiesComponent properties = context.getPropertiesComponent();
        for (String key : FILES) {
            if (!settings.text(key, "").isEmpty()) {
                properties.addOverrideProperty(key, settings.folder(key).toString());
            }
        }
        String server = settings.text("app.sftp.user", "") + "@" + settings.text("app.sftp.host") + ":"
                + settings.text("app.sftp.port");
        String checking = settings.text("app.sftp.strict-host-key-checking");
        if ("no".equals(checking)) {
            LOG.warn("SFTP channel: the server's host key is NOT verified (app.sftp.strict-host-key-checking=no): "
                    + "whoever answers at {} is sent the login and the card requests' results", server);
        } else if (!"yes".equals(checking)) {
            throw new IllegalStateException("app.sftp.strict-host-key-checking must be yes or no, not '" + checking + "'");
        } else if (!Files.isReadable(settings.folder("app.sftp.known-hosts"))) {
            LOG.error("SFTP channel: no readable known-hosts file at {} (app.sftp.known-hosts), so no server is trusted"
                    + " and every poll fails until it holds {}'s host key", settings.folder("app.sftp.known-hosts"),
                    settings.text("app.sftp.host"));
        }
        String key = settings.text("app.sftp.private-key-file", "");
        if (key.isEmpty() && settings.text("app.sftp.password", "").isEmpty()) {
            LOG.warn("SFTP channel: neither a private key (app.sftp.private-key-file) nor a password is configured");
        } else if (!key.isEmpty() && !Files.isReadable(settings.folder("app.sftp.private-key-file"))) {
            LOG.error("SFTP channel: the private key file {} cannot be read", settings.folder("app.sftp.private-key-file"));
        }
        LOG.info("SFTP channel: polls folder {} of {} every {} ms, results to {}, login by {}, host key {}",
                settings.text("app.sftp.inbox"), server, settings.text("app.sftp.poll-ms"),
                settings.text("app.sftp.outbox"), key.isEmpty() ? "password" : "private key",
                "yes".equals(checking) ? "verified against " + settings.folder("app.sftp.known-hosts") : "NOT verified");
    }

    private static void excludeFromHealth(CamelContext context, String checks) throws Exception {
        context.addStartupListener((started, alreadyStarted) -> {
            HealthCheckRegistry health = HealthCheckRegistry.get(started);
            if (health != null) {
                String before = health.getExcludePattern();
                health.setExcludePattern(before == null || before.isBlank() ? checks : before + "," + checks);
            }
        });
    }
}
