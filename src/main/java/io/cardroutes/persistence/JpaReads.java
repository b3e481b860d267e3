package io.cardroutes.persistence;

import org.apache.camel.component.jpa.JpaComponent;
import org.apache.camel.component.jpa.TransactionStrategy;

/**
 * Camel's {@code jpa} component as the routes use it: for the reads off the hot path (the recovery
 * sweep's look-up of requests left in flight, a replay's look-up of its request and batch, a batch's
 * status). Every write of the ledger goes through {@link GroupCommit}, so this component never writes.
 */
public final class JpaReads {

    private JpaReads() {
    }

    /**
     * A jpa component on the bundle's persistence unit. Each read runs on an entity manager of its own
     * that closes once the read is done ({@code sharedEntityManager}), so no entity manager is kept on an
     * exchange (where the copies a parallel split makes would share it) and no read sees another's cache.
     * A read is one select and needs no transaction: it runs as it is, in auto-commit, rather than in a
     * transaction the component would open on a second connection (Spring's JpaTransactionManager) or on
     * a transaction manager it finds in the registry.
     */
    public static JpaComponent component(Database database) {
        JpaComponent jpa = new JpaComponent();
        jpa.setEntityManagerFactory(database.deferredEmf());
        jpa.setSharedEntityManager(true);
        jpa.setJoinTransaction(false);
        jpa.setTransactionStrategy(new AutoCommit());
        return jpa;
    }

    /** Runs a read as it is: one select in auto-commit. */
    private static final class AutoCommit implements TransactionStrategy {
        @Override
        public void executeInTransaction(Runnable read) {
            read.run();
        }

        @Override
        public String toString() {
            return "reads in auto-commit (the jpa component never writes here)";
        }
    }
}
