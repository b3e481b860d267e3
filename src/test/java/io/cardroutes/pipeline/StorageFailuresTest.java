package io.cardroutes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import jakarta.persistence.PersistenceException;
import org.junit.jupiter.api.Test;

/** What a request's error says when the database refused its row: never the row's values. */
class StorageFailuresTest {

    private static final String H2_TEXT = "Value too long for column \"REQUEST_JSON CHARACTER VARYING(20000)\":"
            + " \"'{\"\"firstName\"\":\"\"Asha\"\",\"\"mobile\"\":\"\"9876500801\"\",\"\"email\"\":\"\"asha@example.com\"\"...";

    @Test
    void a_database_failure_becomes_a_fixed_reason_without_the_row_values() {
        Throwable caught = new PersistenceException("could not execute statement [" + H2_TEXT + "]",
                new SQLException(H2_TEXT, "22001"));
        assertThat(Outcomes.reason(caught)).isEqualTo(StorageFailures.REASON);
        assertThat(Outcomes.reason(new IllegalStateException("wrapped", new SQLException(H2_TEXT))))
                .isEqualTo(StorageFailures.REASON);
    }

    @Test
    void other_failures_keep_their_reason() {
        assertThat(Outcomes.reason(new IllegalStateException("EnKash rejected the credentials")))
                .isEqualTo("EnKash rejected the credentials");
    }
}
