package io.cardroutes.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared turns of EnKash calls on both databases the bundle runs on: two instances (two gates, two
 * pools) on one database get distinct slots, spaced as asked, and a pause one of them notes holds the
 * other's next slot back.
 */
class RateGateTest {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

    @TempDir
    Path dir;

    @Test
    void instances_on_one_h2_database_share_the_slots_and_the_pause() {
        String url = "jdbc:h2:file:" + dir.resolve("db/cards") + ";WRITE_DELAY=0";
        sharesSlotsAndPause(url, "sa");
    }

    @Test
    void instances_on_one_postgresql_database_share_the_slots_and_the_pause() throws Exception {
        String schema = "gate_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(POSTGRES, "postgres", "");
             Statement st = admin.createStatement()) {
            st.execute("create schema " + schema);
            try {
                sharesSlotsAndPause(POSTGRES + "?currentSchema=" + schema, "postgres");
            } finally {
                st.execute("drop schema " + schema + " cascade");
            }
        }
    }

    private static void sharesSlotsAndPause(String url, String user) {
        Database first = database(url, user);
        Database second = database(url, user);
        try {
            RateGate a = new RateGate(first);
            RateGate b = new RateGate(second);
            // slots on the database's clock: never closer than the spacing, whatever the machine's load
            List<Long> slots = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                slots.add((i % 2 == 0 ? a : b).takeSlot(200).slotMs());
            }
            for (int i = 1; i < slots.size(); i++) {
                assertThat(slots.get(i) - slots.get(i - 1)).as("spacing of slots %s", slots).isGreaterThanOrEqualTo(200L);
            }

            assertThat(a.pause(5_000)).as("A's pause runs").isPositive().isLessThanOrEqualTo(5_000L);
            RateGate.Turn turn = b.takeSlot(200);
            assertThat(turn.slotMs()).as("B's next slot after A's pause").isGreaterThanOrEqualTo(turn.pausedUntilMs());
            assertThat(turn.pausedUntilMs()).as("the pause B sees").isGreaterThanOrEqualTo(slots.get(5));
        } finally {
            first.stop();
            second.stop();
        }
    }

    private static Database database(String url, String user) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(url);
        dataSource.setUsername(user);
        Database database = new Database(dataSource);
        database.start();
        database.awaitReady();
        return database;
    }
}
