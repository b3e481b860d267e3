package io.cardroutes.ops;

import java.lang.management.ManagementFactory;
import java.util.stream.Collectors;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.cardroutes.enkash.TokenProvider;
import io.cardroutes.mail.MailFailures;
import io.cardroutes.persistence.Database;
import io.cardroutes.pipeline.CardExchange;
import jakarta.persistence.EntityManager;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The bundle's own MBean, registered while the Camel context runs, read from the database. Its retries
 * are entry points like a channel: they hand the request to the {@code replay} routes.
 */
public class CardOperations extends ServiceSupport implements CardOperationsMBean {

    public static final String OBJECT_NAME = "io.cardroutes:type=CardOperations,name=enkash-card-routes";

    private final Database database;
    private final TokenProvider tokens;
    private final MailFailures mail;
    private final ProducerTemplate routes;

    public CardOperations(Database database, TokenProvider tokens, MailFailures mail, ProducerTemplate routes) {
        this.database = database;
        this.tokens = tokens;
        this.mail = mail;
        this.routes = routes;
    }

    @Override
    protected void doStart() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(OBJECT_NAME);
        if (server.isRegistered(name)) {
            server.unregisterMBean(name); // a previous context in the same JVM (tests)
        }
        server.registerMBean(this, name);
    }

    @Override
    protected void doStop() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(OBJECT_NAME);
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
    }

    @Override
    public String getCountsByStatus() {
        EntityManager em = database.emf().createEntityManager();
        try {
            return em.createQuery("select r.status, count(r) from CardRequestEntity r group by r.status order by r.status",
                    Object[].class).getResultList().stream().map(row -> row[0] + "=" + row[1])
                    .collect(Collectors.joining(", "));
        } finally {
            em.close();
        }
    }

    @Override
    public long getNeedsReviewCount() {
        EntityManager em = database.emf().createEntityManager();
        try {
            return em.createQuery("select count(r) from CardRequestEntity r where r.status = 'NEEDS_REVIEW'",
                    Long.class).getSingleResult();
        } finally {
            em.close();
        }
    }

    @Override
    public String[] getNeedsReview() {
        EntityManager em = database.emf().createEntityManager();
        try {
            return em.createQuery("select r.requestId, r.candidates from CardRequestEntity r "
                    + "where r.status = 'NEEDS_REVIEW' order by r.updatedAt", Object[].class)
                    .setMaxResults(100).getResultList().stream()
                    .map(row -> row[0] + " -> " + (row[1] == null ? "(no candidates)" : row[1]))
                    .toArray(String[]::new);
        } finally {
            em.close();
        }
    }

    @Override
    public int getFailedLogins() {
        return tokens.failedLogins();
    }

    @Override
    public int getMaxFailedLogins() {
        return tokens.maxFailedLogins();
    }

    @Override
    public String getLastLoginFailure() {
        return tokens.lastLoginFailure();
    }

    @Override
    public boolean isLoginLocked() {
        return tokens.isLoginLocked();
    }

    @Override
    public String clearLoginLock() {
        return "cleared " + tokens.clearLoginLock() + " failed login(s) in a row; the next request logs in again";
    }

    @Override
    public long getMailsSent() {
        return mail.sentCount();
    }

    @Override
    public long getMailsNotSent() {
        return mail.notSentCount();
    }

    @Override
    public void resetTokenCache() {
        tokens.forgetToken();
    }

    @Override
    public String retryRequest(String requestId) {
        String id = requestId == null ? "" : requestId.trim();
        Exchange done = routes.send("direct:replay-request", exchange -> exchange.setProperty(CardExchange.REQUEST_ID, id));
        return ReplaySummary.line(done);
    }

    @Override
    public String retryFailedOfBatch(String batchIdOrFileName) {
        String name = batchIdOrFileName == null ? "" : batchIdOrFileName.trim();
        return ReplaySummary.batch(name, routes.requestBody("direct:replay-batch", name));
    }
}
