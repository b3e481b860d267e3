package io.cardroutes.pipeline;

import java.sql.SQLException;

import io.cardroutes.ExceptionClasses;
import jakarta.persistence.PersistenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database failure as a request's error: a fixed text, never the driver's message, because H2 and
 * others quote the row they refused (names, mobiles, emails) and the error reaches results files, REST
 * answers, JMS replies and log lines. The log gets the exception classes only.
 */
final class StorageFailures {

    static final String REASON = "the database refused the write";

    private static final Logger LOG = LoggerFactory.getLogger(StorageFailures.class);

    private StorageFailures() {
    }

    /** The fixed reason when {@code caught} or one of its causes is a database failure, else null. */
    static String reason(Throwable caught) {
        boolean storage = false;
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            storage |= t instanceof SQLException || t instanceof PersistenceException;
        }
        if (!storage) {
            return null;
        }
        LOG.warn("database failure: {}", ExceptionClasses.of(caught));
        return REASON;
    }
}
