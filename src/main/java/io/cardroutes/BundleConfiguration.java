package io.cardroutes;

import java.time.Clock;

import javax.sql.DataSource;

import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;

import io.cardroutes.enkash.AnswerClassifier;
import io.cardroutes.enkash.CallHeaders;
import io.cardroutes.enkash.CardSearch;
import io.cardroutes.enkash.CreatedDates;
import io.cardroutes.enkash.FailureClassifier;
import io.cardroutes.enkash.Reconciler;
import io.cardroutes.ops.CallMeters;
import io.cardroutes.ops.CardOperations;
import io.cardroutes.ops.ManagementMetrics;
import io.cardroutes.enkash.EnkashCodec;
import io.cardroutes.enkash.EnkashLimits;
import io.cardroutes.enkash.EnkashSettings;
import io.cardroutes.enkash.RetryAfterDelay;
import io.cardroutes.enkash.TokenProvider;
import io.cardroutes.mail.AlertDigest;
import io.cardroutes.mail.BatchSummaryMail;
import io.cardroutes.mail.EnkashWatch;
import io.cardroutes.mail.MailFailures;
import io.cardroutes.mail.MailSetup;
import io.cardroutes.persistence.BatchLedger;
import io.cardroutes.persistence.BatchWork;
import io.cardroutes.persistence.Claims;
import io.cardroutes.persistence.Database;
import io.cardroutes.persistence.JpaReads;
import io.cardroutes.persistence.GroupCommit;
import io.cardroutes.persistence.InFlight;
import io.cardroutes.persistence.Leases;
import io.cardroutes.persistence.LoginGuard;
import io.cardroutes.persistence.OutcomeWriter;
import io.cardroutes.persistence.RateGate;
import io.cardroutes.persistence.Replays;
import io.cardroutes.pipeline.InProgressFolder;
import io.cardroutes.pipeline.InboxFiles;
import io.cardroutes.pipeline.Intake;
import io.cardroutes.pipeline.Outcomes;
import io.cardroutes.pipeline.RequestNormalizer;
import io.cardroutes.pipeline.SourceDigest;
import io.cardroutes.sandbox.EnkashSandbox;
import io.cardroutes.sandbox.SandboxSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.ShutdownStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the Java parts the routes call by name (see README, "Beans"). Everything here is wiring:
 * the behaviour lives in the route files and in the small classes this creates.
 */
public class BundleConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(BundleConfiguration.class);
    static final String[] FOLDERS = {"app.inbox", "app.outbox", "app.error-dir", "app.request-schema"};

    @Override
    public void configure(CamelContext context) throws java.io.IOException {
        Settings settings = new Settings(context);
        absoluteFolders(context, settings);
        PrivateFolders.prepare(settings);
        String instance = instanceName(settings);
        InProgressFolder inProgress = new InProgressFolder(settings.folder("app.inbox"), instance);
        inProgress.returnUnfinished();
        Clock clock = Clock.systemUTC();
        Registry registry = context.getRegistry();
        MeterRegistry meters = ManagementMetrics.registry(context);

        EnkashSettings enkash = EnkashSettings.from(settings);
        if (settings.flag("enkash.sandbox.enabled")) {
            EnkashSandbox sandbox = new EnkashSandbox(SandboxSettings.from(settings), clock);
            registry.bind("enkashSandbox", sandbox);
            addService(context, sandbox);
        }

        Database database = new Database(Database.dataSource(settings));
        addService(context, database);
        registry.bind("dataSource", DataSource.class, database.dataSource());
        addStartupListener(context, new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // the routes start while the database is set up; ready means both are
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                database.awaitReady();
            }
        });
        gracePeriod(context, Duration.ofMillis(settings.longValue("app.shutdown.grace-ms")));

        EnkashCodec codec = new EnkashCodec(enkash);
        registry.bind("enkashCodec", codec);
        TokenProvider tokens = new TokenProvider(enkash, context.createProducerTemplate(), clock,
                new LoginGuard(database), meters);
        registry.bind("tokenProvider", tokens);
        EnkashWatch watch = new EnkashWatch(tokens::isLoginLocked, clock);
        registry.bind("enkashWatch", watch);
        registry.bind("callMeters", new CallMeters(meters, context::getName, watch));
        EnkashLimits.bind(registry, settings, new RateGate(database), clock, meters);

        registry.bind("failureClassifier", new FailureClassifier());
        registry.bind("callHeaders", new CallHeaders());
        MailFailures mail = new MailFailures();
        registry.bind("mailFailures", mail);
        registry.bind("answerClassifier", new AnswerClassifier(codec, clock, enkash.retryAfterCap()));
        registry.bind("retryAfterDelay", new RetryAfterDelay());
        registry.bind("requestNormalizer", new RequestNormalizer(settings.text("enkash.company-id", ""),
                settings.text("enkash.card-account-id", "")));
        registry.bind("outcomes", new Outcomes());
        registry.bind("inboxFiles", new InboxFiles());
        registry.bind("intake", new Intake(context));
        registry.bind("inProgress", inProgress);
        registry.bind("sourceDigest", new SourceDigest());
        GroupCommit writes = new GroupCommit(database, context, settings.integer("app.db.write-group-max"),
                Duration.ofMillis(settings.longValue("app.db.write-timeout-ms")), meters);
        addService(context, writes);
        // the routes flush it before a read that must see every outcome recorded so far (replays, batch status)
        registry.bind("ledgerWrites", writes);
        // Camel's jpa component: the routes' reads off the hot path; every write goes through the group commit
        registry.bind("jpa", JpaReads.component(database));
        // the ledger of card requests, by job: claims, leases (and adoption), outcomes; the requests held
        // in flight here are shared by all three
        InFlight inFlight = new InFlight();
        Gauge.builder("cardroutes.requests.in.flight", inFlight, InFlight::size)
                .description("Requests this instance holds in flight").register(meters);
        Leases leases = new Leases(database, writes, clock, inFlight, instance,
                Duration.ofMillis(settings.longValue("app.lease.duration-ms")));
        registry.bind("requestLeases", leases);
        registry.bind("requestClaims", new Claims(database, writes, clock, inFlight, leases,
                Duration.ofMillis(settings.longValue("app.replay.in-flight-wait-ms"))));
        OutcomeWriter outcomes = new OutcomeWriter(database, writes, clock, inFlight, leases.instance());
        registry.bind("outcomeWriter", outcomes);
        registry.bind("cardSearch", new CardSearch(codec, clock,
                Duration.ofMillis(settings.longValue("enkash.reconcile.search-cache-ms"))));
        registry.bind("reconciler", new Reconciler(outcomes::heldByOthers, clock,
                Duration.ofMillis(settings.longValue("enkash.reconcile.clock-skew-ms")),
                Duration.ofMillis(settings.longValue("enkash.reconcile.grace-ms")),
                new CreatedDates(ZoneId.of(settings.text("enkash.reconcile.created-date-zone"))), meters));
        BatchLedger batches = new BatchLedger(database, writes, clock);
        registry.bind("batchLedger", batches);
        registry.bind("batchWork", new BatchWork(database, writes, clock));
        registry.bind("requestReplays", new Replays(database, writes, clock, inFlight, leases));
        addService(context, new CardOperations(database, tokens, mail, context.createProducerTemplate()));
        mail(context, settings, database, batches, tokens, clock);
        LOG.info("EnKash target {} (sandbox {}), database {}", enkash.baseUrl(),
                settings.flag("enkash.sandbox.enabled") ? "on" : "off", SafeUrls.describe(database.dataSource().getJdbcUrl()));
    }

    /**
     * The name this instance's in-flight rows carry: a restarted instance adopts its previous run's
     * rows at once. Two instances must never share one; host and HTTP port cannot be shared by two
     * live processes.
     */
    static String instanceName(Settings settings) {
        String name = settings.text("app.instance-name", "");
        if (!name.isBlank()) {
            return name.trim();
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + settings.text("app.http.port");
    }

    /**
     * How long a stop waits for the requests in flight (app.shutdown.grace-ms) before Camel forces it.
     * Set once Camel has started, after Camel Main applied camel.main.shutdown-timeout, which counts
     * whole seconds only.
     */
    private static void gracePeriod(CamelContext context, Duration grace) {
        addStartupListener(context, (started, alreadyStarted) -> {
            ShutdownStrategy stop = started.getShutdownStrategy();
            stop.setTimeUnit(TimeUnit.MILLISECONDS);
            stop.setTimeout(grace.toMillis());
        });
    }

    /** The mail server and the batch summary and alert digest mails (the watch on EnKash is bound with the token). */
    private static void mail(CamelContext context, Settings settings, Database database, BatchLedger batches,
            TokenProvider tokens, Clock clock) {
        MailSetup.configure(context, settings);
        Registry registry = context.getRegistry();
        registry.bind("batchSummaryMail", new BatchSummaryMail(database, batches, settings.integer("app.mail.batch.max-rows")));
        registry.bind("alertDigest", new AlertDigest(settings.integer("app.mail.alert.max-listed")));
    }

    /** File endpoints resolve relative folders against different roots; make them all absolute once. */
    private static void absoluteFolders(CamelContext context, Settings settings) {
        PropertiesComponent pc = context.getPropertiesComponent();
        for (String key : FOLDERS) {
            pc.addOverrideProperty(key, settings.folder(key).toString());
        }
    }

    private static void addStartupListener(CamelContext context, StartupListener listener) {
        try {
            context.addStartupListener(listener);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void addService(CamelContext context, Object service) {
        try {
            context.addService(service, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("could not start " + service.getClass().getSimpleName(), e);
        }
    }
}
