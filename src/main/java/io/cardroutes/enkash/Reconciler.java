package io.cardroutes.enkash;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.cardroutes.pipeline.CardExchange;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;

/**
 * Decides, after a Create call whose outcome is unknown, whether EnKash made the card: it looks
 * for cards of the request's card account that match its natural keys as sent (mobile, email,
 * userId, first and last name), leaving out every card that is provably not this request's: one the
 * ledger holds for another request, or one EnKash says it made before this request was claimed.
 * One match made after the claim: that is the card. None: it may be sent again. Several, a match
 * whose age EnKash does not tell, or no key to match on: a person decides. Each decision is counted in
 * {@code cardroutes_reconciliations_total} by result: {@code found}, {@code none}, {@code needs-review}.
 */
public class Reconciler {

    static final List<String> STRONG_KEYS = List.of("mobile", "email", "userId");

    /** The enKashCardIds among {@code cardIds} that the ledger holds for requests other than {@code requestId}. */
    @FunctionalInterface
    public interface HeldCards {
        Set<String> heldByOthers(String requestId, Collection<String> cardIds);
    }

    private final HeldCards held;
    private final Clock clock;
    private final Duration clockSkew;
    private final Duration grace;
    private final CreatedDates dates;
    private final MeterRegistry meters;

    public Reconciler(HeldCards held, Clock clock, Duration clockSkew, Duration grace, CreatedDates dates,
            MeterRegistry meters) {
        this.meters = meters;
        this.held = held;
        this.clock = clock;
        this.clockSkew = clockSkew;
        this.grace = grace;
        this.dates = dates;
    }

    /**
     * A lost answer can only be settled by matching on a strong key: a request without mobile, email
     * and userId goes to a person before any search is made.
     */
    public void requireMatchKeys(Exchange exchange) {
        if (STRONG_KEYS.stream().noneMatch(k -> request(exchange).get(k) != null)) {
            throw new NeedsReviewException(List.of());
        }
    }

    /**
     * Returns the card EnKash already made for this request, or null when it has none, from the
     * card account's complete listing in the body (read by the {@code enkash-search} route).
     */
    public CreatedCard reconcile(Exchange exchange) {
        try {
            CreatedCard card = match(exchange);
            count(card == null ? "none" : "found");
            return card;
        } catch (NeedsReviewException e) {
            count("needs-review");
            throw e;
        }
    }

    private void count(String result) {
        meters.counter("cardroutes.reconciliations", "result", result).increment();
    }

    private CreatedCard match(Exchange exchange) {
        Map<String, Object> request = request(exchange);
        String requestId = exchange.getProperty(CardExchange.REQUEST_ID, String.class);
        @SuppressWarnings("unchecked")
        List<CardSummary> cards = exchange.getMessage().getBody(List.class);
        List<CardSummary> matches = new ArrayList<>();
        for (CardSummary card : cards) {
            if (matches(request, card)) {
                matches.add(card);
            }
        }
        if (!matches.isEmpty()) {
            Set<String> others = held.heldByOthers(requestId, matches.stream().map(CardSummary::enKashCardId).toList());
            matches.removeIf(card -> others.contains(card.enKashCardId()));
        }
        Instant sentAfter = exchange.getProperty(CardExchange.SENT_AFTER, Instant.class);
        List<CardSummary> made = new ArrayList<>();
        List<CardSummary> ageUnknown = new ArrayList<>();
        for (CardSummary card : matches) {
            Instant created = dates.parse(card.createdDate());
            if (created == null || sentAfter == null) {
                ageUnknown.add(card);
            } else if (!created.isBefore(sentAfter.minus(clockSkew))) {
                made.add(card); // made after this request was claimed: its card, or a second one
            }
            // else: a card from before this request, not its own
        }
        if (!ageUnknown.isEmpty() || made.size() > 1) {
            List<CardSummary> candidates = new ArrayList<>(made);
            candidates.addAll(ageUnknown);
            List<String> ids = candidates.stream().map(CardSummary::enKashCardId).toList();
            exchange.setProperty(CardExchange.CANDIDATES, String.join(",", ids));
            throw ageUnknown.isEmpty() ? new NeedsReviewException(ids) : NeedsReviewException.ageUnknown(ids);
        }
        if (made.isEmpty()) {
            return null;
        }
        CardSummary card = made.get(0);
        exchange.setProperty(CardExchange.RECONCILED, true);
        return new CreatedCard(card.enKashCardId(), card.maskedNumber(), card.cardStatus(), card.kycStatus());
    }

    /**
     * How long to wait before the first search for a request whose answer was lost at {@code failedAt}:
     * EnKash may still be making the card, and a search that comes too early would miss it.
     */
    public long graceLeftMs(Exchange exchange) {
        Instant failedAt = exchange.getProperty(CardExchange.FAILED_AT, Instant.class);
        if (failedAt == null) {
            return 0;
        }
        long left = Duration.between(clock.instant(), failedAt.plus(grace)).toMillis();
        return Math.max(0, left);
    }

    /** Only a search that starts after the answer was lost and its grace period passed may settle it. */
    public Instant searchNotBefore(Exchange exchange) {
        Instant failedAt = exchange.getProperty(CardExchange.FAILED_AT, Instant.class);
        return failedAt != null ? failedAt.plus(grace) : clock.instant();
    }

    /** Every key both sides have must agree, and at least one strong key must be among them. */
    static boolean matches(Map<String, Object> request, CardSummary card) {
        Map<String, String> cardKeys = new HashMap<>();
        cardKeys.put("mobile", card.mobile());
        cardKeys.put("email", card.email());
        cardKeys.put("userId", card.userId());
        cardKeys.put("firstName", card.firstName());
        cardKeys.put("lastName", card.lastName());
        boolean strongAgreed = false;
        for (Map.Entry<String, String> e : cardKeys.entrySet()) {
            String sent = text(request.get(e.getKey()));
            if (sent == null || e.getValue() == null) {
                continue;
            }
            if (!normalise(sent).equals(normalise(e.getValue()))) {
                return false;
            }
            strongAgreed |= STRONG_KEYS.contains(e.getKey());
        }
        return strongAgreed;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> request(Exchange exchange) {
        return exchange.getProperty(CardExchange.REQUEST, Map.class);
    }

    private static String normalise(String s) {
        return s.trim().toLowerCase(Locale.ROOT);
    }

    private static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }
}
