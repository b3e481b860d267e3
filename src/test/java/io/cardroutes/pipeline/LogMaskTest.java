package io.cardroutes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What an outcome log line may show of an error that quotes EnKash's answer. */
class LogMaskTest {

    @Test
    void masks_mobiles_and_email_addresses_but_keeps_the_rest() {
        assertThat(LogMask.mask("Mobile 9876543210 already holds a card (asha.rao@example.com)"))
                .isEqualTo("Mobile ******10 already holds a card (***@***)");
        assertThat(LogMask.mask("EnKash answered HTTP 503 after 2 attempts")).isEqualTo("EnKash answered HTTP 503 after 2 attempts");
        assertThat(LogMask.mask(null)).isNull();
    }

    @Test
    void the_outcome_line_shows_the_masked_error_never_the_raw_one() {
        CardOutcome failed = new CardOutcome("R-1", "REJECTED", null, null, null, null,
                "EnKash refused: 9876543210 exists", 1, false, false);
        assertThat(failed.toString()).isEqualTo("REJECTED error=\"EnKash refused: ******10 exists\" attempts=1 replay=false");
    }
}
