package io.cardroutes.enkash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import io.cardroutes.persistence.Database;
import io.cardroutes.persistence.LoginGuard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins counted but still under way are no lock-out: when several instances log in at the same moment, the
 * one that finds the count full while none has failed waits and tries again; once a counted login has failed,
 * a full count is the lock-out. Real database (H2 file, the bundle's migrations).
 */
class LoginCountTest {

    @TempDir
    Path dir;

    @Test
    void a_full_count_of_logins_under_way_is_retried_and_a_full_count_with_a_failure_is_the_lock_out() {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:h2:file:" + dir.resolve("db/cards") + ";WRITE_DELAY=0");
        dataSource.setUsername("sa");
        Database database = new Database(dataSource);
        database.start();
        database.awaitReady();
        try {
            LoginGuard guard = new LoginGuard(database);
            LoginCount instanceA = new LoginCount(guard, 2, new SimpleMeterRegistry());
            LoginCount instanceB = new LoginCount(guard, 2, new SimpleMeterRegistry());
            LoginCount instanceC = new LoginCount(guard, 2, new SimpleMeterRegistry());

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
}
