package io.cardroutes.enkash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import com.fasterxml.jackson.core.JsonFactory;
import io.cardroutes.pipeline.CardExchange;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * How the bundle reads EnKash's answers as EnKash's docs describe them: what is a card, what is a
 * refusal, and what is "can't tell" (settled by the card search, never FAILED, never resent blindly).
 */
class AnswerReadingTest {

    private static final PayloadCipher CIPHER = new PayloadCipher("partner-secret");
    private static final String SUCCESS = "{\"code\":0,\"message\":\"Success\",\"payload\":{\"enKashCardId\":\"EKC1\","
            + "\"maskedNumber\":\"XXXXXXXXXXXX1234\",\"cardStatus\":{\"name\":\"L\",\"label\":\"Locked\"},"
            + "\"kycStatus\":\"MIN_KYC_PENDING\"}}";

    private final AnswerClassifier plain = new AnswerClassifier(new EnkashCodec((PayloadCipher) null),
            Clock.systemUTC(), Duration.ofMinutes(1));
    private final AnswerClassifier encrypted = new AnswerClassifier(new EnkashCodec(CIPHER), Clock.systemUTC(),
            Duration.ofMinutes(1));

    @Test
    void a_success_answer_is_the_card_plain_and_encrypted() {
        assertThat(plain.classify(answer(200, SUCCESS)).enKashCardId()).isEqualTo("EKC1");
        assertThat(encrypted.classify(answer(200, CIPHER.wrap(SUCCESS))).enKashCardId()).isEqualTo("EKC1");
    }

    @Test
    void an_http_200_that_does_not_decrypt_is_an_unknown_outcome_not_a_failure() {
        String otherKey = new PayloadCipher("another-secret").wrap(SUCCESS);
        assertThatThrownBy(() -> encrypted.classify(answer(200, otherKey)))
                .isInstanceOf(EnkashOutcomeUnknownException.class).hasMessageContaining("may exist");
    }

    @Test
    void an_http_200_cut_off_part_way_is_an_unknown_outcome() {
        assertThatThrownBy(() -> plain.classify(answer(200, SUCCESS.substring(0, 40))))
                .isInstanceOf(EnkashOutcomeUnknownException.class);
        String wrapped = CIPHER.wrap(SUCCESS);
        assertThatThrownBy(() -> encrypted.classify(answer(200, wrapped.substring(0, wrapped.length() / 2))))
                .isInstanceOf(EnkashOutcomeUnknownException.class);
    }

    @Test
    void a_success_without_a_card_id_or_without_a_result_code_is_an_unknown_outcome() {
        assertThatThrownBy(() -> plain.classify(answer(200, "{\"code\":0,\"message\":\"Success\",\"payload\":{}}")))
                .isInstanceOf(EnkashOutcomeUnknownException.class);
        assertThatThrownBy(() -> plain.classify(answer(200, "{\"payload\":{\"enKashCardId\":\"EKC1\"}}")))
                .isInstanceOf(EnkashOutcomeUnknownException.class);
    }

    @Test
    void a_5xx_with_a_broken_envelope_is_an_unknown_outcome_even_503() {
        assertThatThrownBy(() -> plain.classify(answer(503, "<html>upstream gone</html>")))
                .isInstanceOf(EnkashOutcomeUnknownException.class);
        assertThatThrownBy(() -> encrypted.classify(answer(503, "{\"request\":\"not-base64!\"}")))
                .isInstanceOf(EnkashOutcomeUnknownException.class);
    }

    @Test
    void a_503_in_enkash_s_envelope_says_enkash_did_not_act() {
        Exchange e = answer(503, "{\"response_code\":1,\"response_message\":\"Service Unavailable\",\"payload\":null}");
        e.setProperty(CardExchange.SEND_UNSETTLED, true);
        assertThatThrownBy(() -> plain.classify(e)).isInstanceOf(EnkashRetryableException.class);
        assertThat(e.getProperty(CardExchange.SEND_UNSETTLED, Boolean.class)).isFalse();
    }

    @Test
    void an_error_envelope_with_http_200_is_a_refusal() {
        Exchange e = answer(200, "{\"response_code\":1,\"response_message\":\"Insufficient balance\",\"payload\":\"x\"}");
        e.setProperty(CardExchange.SEND_UNSETTLED, true);
        assertThatThrownBy(() -> plain.classify(e)).isInstanceOf(EnkashRefusedException.class)
                .hasMessageContaining("Insufficient balance");
        assertThat(e.getProperty(CardExchange.SEND_UNSETTLED, Boolean.class)).isFalse();
    }

    @Test
    void a_search_error_envelope_is_not_an_empty_account() throws Exception {
        CardSearch.Listing listing = parse("{\"response_code\":1,\"response_message\":\"Try later\",\"payload\":null}");
        assertThatThrownBy(listing::complete).isInstanceOf(EnkashRetryableException.class)
                .hasMessageContaining("Try later");
    }

    @Test
    void a_listing_shorter_than_records_count_is_incomplete() throws Exception {
        CardSearch.Listing listing = parse("{\"code\":0,\"message\":\"Success\",\"payload\":{\"recordsCount\":3,"
                + "\"data\":[{\"enKashCardId\":\"EKC1\"},{\"enKashCardId\":\"EKC2\"}]}}");
        assertThatThrownBy(listing::complete).isInstanceOf(EnkashRetryableException.class)
                .hasMessageContaining("2 of 3");
    }

    @Test
    void a_complete_listing_and_the_single_card_shape_are_evidence() throws Exception {
        assertThat(parse("{\"code\":0,\"message\":\"Success\",\"payload\":{\"recordsCount\":1,"
                + "\"data\":[{\"enKashCardId\":\"EKC1\",\"createdDate\":\"2026-11-29T09:00:00Z\"}]}}").complete())
                .extracting(CardSummary::enKashCardId, CardSummary::createdDate)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("EKC1", "2026-11-29T09:00:00Z"));
        assertThat(parse("{\"code\":0,\"message\":\"Success\",\"payload\":{\"recordsCount\":0,\"data\":[]}}")
                .complete()).isEmpty();
        assertThat(parse("{\"response_code\":0,\"response_message\":\"Success\",\"payload\":{\"enKashCardId\":\"EKC9\"}}")
                .complete()).extracting(CardSummary::enKashCardId).containsExactly("EKC9");
    }

    @Test
    void a_success_without_a_listing_is_not_an_empty_account() throws Exception {
        assertThatThrownBy(parse("{\"code\":0,\"message\":\"Success\"}")::complete)
                .isInstanceOf(EnkashRetryableException.class);
    }

    @Test
    void created_dates_are_read_in_the_forms_enkash_may_use_and_never_guessed() {
        CreatedDates dates = new CreatedDates(ZoneId.of("Asia/Kolkata"));
        Instant at = Instant.parse("2026-11-29T09:00:00Z");
        assertThat(dates.parse("2026-11-29T09:00:00Z")).isEqualTo(at);
        assertThat(dates.parse("2026-11-29T14:30:00+05:30")).isEqualTo(at);
        assertThat(dates.parse("2026-11-29 14:30:00")).isEqualTo(at);
        assertThat(dates.parse("2026-11-29T14:30:00.000")).isEqualTo(at);
        assertThat(dates.parse(String.valueOf(at.toEpochMilli()))).isEqualTo(at);
        assertThat(dates.parse("29/11/2026")).isNull();
        assertThat(dates.parse(null)).isNull();
    }

    private static CardSearch.Listing parse(String json) throws Exception {
        return CardSearch.parse(new JsonFactory().createParser(json));
    }

    private static Exchange answer(int status, String body) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setBody(body);
        return e;
    }

}
