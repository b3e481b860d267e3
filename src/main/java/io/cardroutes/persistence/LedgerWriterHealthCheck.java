package io.cardroutes.persistence;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Health check {@code ledger-writer} (in {@code /observe/health}): DOWN, saying why, once the
 * {@link GroupCommit} writer stopped or its thread is gone. A liveness check too: such a writer does
 * not come back, so a restart is the only remedy, and meanwhile every claim fails (nothing is sent).
 */
public final class LedgerWriterHealthCheck extends AbstractHealthCheck {

    private final GroupCommit writes;

    LedgerWriterHealthCheck(GroupCommit writes) {
        super("cardroutes", "ledger-writer");
        this.writes = writes;
    }

    @Override
    public boolean isLiveness() {
        return true;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("writes", writes.writes());
        builder.detail("commits", writes.commits());
        String trouble = writes.trouble();
        if (trouble == null) {
            builder.up();
        } else {
            builder.message(trouble).down();
        }
    }
}
