package io.cardroutes.enkash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import io.cardroutes.persistence.Database;
import io.cardroutes.persistence.LoginGuard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins counted but still under way are no lock-out: when several instances log in at the same moment, the
 * one that finds the count full while none has failed waits and tries again; once a counted login has failed,
 * a full count is the lock-out, and so is a full count that stayed longer than any login takes (processes
 * killed mid-login: whether EnKash counted those is unknown). Real database (H2 file, the bundle's migrations).
 */
class LoginCountTest {

    private static final Duration LONGEST_LOGIN = Duration.ofSeconds(45);

    @TempDir
    Path dir;

    @Test
    void logins_that_never_settled_are_the_lock_out_once_longer_than_any_login_takes() throws Exception {
        HikariDataSource dataSource = dataSource();
        Database database = started(dataSource);
        try {
            LoginGuard guard = new LoginGuard(database);
            // two processes reserved their logins and were killed before they settled them
            guard.reserve(2);
            guard.reserve(2);
            LoginCount fresh = new LoginCount(guard, 2, LONGEST_LOGIN, new SimpleMeterRegistry());
            assertThatThrownBy(fresh::reserve).as("just reserved: logins under way")
                    .isInstanceOf(EnkashRetryableException.class);

            try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
                statement.executeUpdate("update enkash_login_guard set updated_at = dateadd('SECOND', -60, current_timestamp)");
            }

            assertThatThrownBy(fresh::reserve).as("counted a minute ago and never settled")
                    .isInstanceOf(CredentialsRejectedException.class);
            assertThat(guard.failures()).isEqualTo(2);
        } finally {
            database.stop();
        }
    }

    @Test
    void a_full_count_of_logins_under_way_is_retried_and_a_full_count_with_a_failure_is_the_lock_out() {
        Database database = started(dataSource());
        try {
            LoginGuard guard = new LoginGuard(database);
            LoginCount instanceA = new LoginCount(guard, 2, LONGEST_LOGIN, new SimpleMeterRegistry());
            LoginCount instanceB = new LoginCount(guard, 2, LONGEST_LOGIN, new SimpleMeterRegistry());
            LoginCount instanceC = new LoginCount(guard, 2, LONGEST_LOGIN, new SimpleMeterRegistry());

            instanceA.reserve();
            instanceB.reserve();
            assertThatThrownBy(instanceC::reserve).as("two logins under way, none failed")
                    .isInstanceOf(EnkashRetryableException.class).hasMessageContaining("under way");
            assertThat(guard.failures()).as("the refused login was not counted").isEqualTo(2);

            instanceA.succeeded();
            instanceC.reserve(); // A's token reset the count: C logs in

            guard.failed("HTTP 401: bad credentials");
            guard.reserve(2);
            assertThatThrownBy(instanceB::reserve).as("a counted login failed: the limit is the lock-out")
                    .isInstanceOf(CredentialsRejectedException.class);
        } finally {
            database.stop();
        }
    }

    private HikariDataSource dataSource() {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:h2:file:" + dir.resolve("db/cards") + ";WRITE_DELAY=0");
        dataSource.setUsername("sa");
        return dataSource;
    }

    /** The bundle's database on {@code dataSource}, migrated and ready. */
    private static Database started(HikariDataSource dataSource) {
        Database database = new Database(dataSource);
        database.start();
        database.awaitReady();
        return database;
    }
}
