package io.cardroutes.persistence;

import static io.cardroutes.persistence.Transactions.inTransaction;

import jakarta.persistence.EntityManager;

/**
 * The count of failed EnKash logins in a row, in the database (table {@code enkash_login_guard}), so
 * restarts and every instance on the database share it. A login is counted before it is made, by a
 * compare-and-set on the count ({@link #reserve}): a process killed mid-login has counted it, and
 * instances racing for the last allowed login cannot both make it. Only an operator clears the count
 * once the limit is reached ({@link #clear}); a login that returns a usable token resets it.
 */
public final class LoginGuard {

    static final String ROW = "enkash-login";

    private final Database database;

    public LoginGuard(Database database) {
        this.database = database;
    }

    /** Counts a login about to be made; false (and nothing counted) when {@code max} failures are already counted. */
    public boolean reserve(int max) {
        return update("update enkash_login_guard set failures = failures + 1, updated_at = current_timestamp "
                + "where guard_id = :id and failures < :max", "max", max) == 1;
    }

    /** The login returned a usable token: EnKash's count is back to 0, and so is this one. */
    public void succeeded() {
        update("update enkash_login_guard set failures = 0, last_failure = null, updated_at = current_timestamp "
                + "where guard_id = :id", null, null);
    }

    /** The reserved login certainly never reached EnKash (connection refused, unknown host, connect timeout). */
    public void giveBack() {
        update("update enkash_login_guard set failures = failures - 1, updated_at = current_timestamp "
                + "where guard_id = :id and failures > 0", null, null);
    }

    /** Notes why the reserved login failed; it stays counted. */
    public void failed(String why) {
        update("update enkash_login_guard set last_failure = :why, updated_at = current_timestamp "
                + "where guard_id = :id", "why", why.length() > 500 ? why.substring(0, 500) : why);
    }

    /** For an operator who fixed the credentials: logins are allowed again. Returns the count it cleared. */
    public int clear() {
        return inTransaction(database.emf(), em -> {
            int before = failures(em);
            em.createNativeQuery("update enkash_login_guard set failures = 0, last_failure = null, "
                    + "updated_at = current_timestamp where guard_id = :id").setParameter("id", ROW).executeUpdate();
            return before;
        });
    }

    public int failures() {
        return inTransaction(database.emf(), em -> {
            return failures(em);
        });
    }

    /** Milliseconds since the count last changed, on the database's clock (every instance sees the same). */
    public long sinceUpdateMs() {
        return inTransaction(database.emf(), em -> {
            Object[] row = (Object[]) em.createNativeQuery("select updated_at, current_timestamp from enkash_login_guard "
                    + "where guard_id = :id").setParameter("id", ROW).getSingleResult();
            return java.time.Duration.between(instant(row[0]), instant(row[1])).toMillis();
        });
    }

    private static java.time.Instant instant(Object value) {
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof java.time.Instant instant) {
            return instant;
        }
        if (value instanceof java.time.ZonedDateTime zdt) {
            return zdt.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass().getName());
    }

    /** Why the last counted login failed, or null after a success or a clear. */
    public String lastFailure() {
        return inTransaction(database.emf(), em -> {
            Object value = em.createNativeQuery("select last_failure from enkash_login_guard where guard_id = :id")
                    .setParameter("id", ROW).getSingleResult();
            return value == null ? null : value.toString();
        });
    }

    private static int failures(EntityManager em) {
        Number value = (Number) em.createNativeQuery("select failures from enkash_login_guard where guard_id = :id")
                .setParameter("id", ROW).getSingleResult();
        return value.intValue();
    }

    private int update(String sql, String name, Object value) {
        return inTransaction(database.emf(), em -> {
            var query = em.createNativeQuery(sql).setParameter("id", ROW);
            if (name != null) {
                query.setParameter(name, value);
            }
            return query.executeUpdate();
        });
    }
}
