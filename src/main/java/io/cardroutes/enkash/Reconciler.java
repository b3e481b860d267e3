package io.cardroutes.enkash;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cardroutes.pipeline.CardExchange;
import org.apache.camel.Exchange;

/**
 * Decides, after a Create call whose outcome is unknown, whether EnKash made the card: it looks
 * for cards of the request's card account that match its natural keys as sent (mobile, email,
 * userId, first and last name). One match: that is the card. None: it may be sent again. Several,
 * or no key to match on: a person decides.
 */
public class Reconciler {

    static final List<String> STRONG_KEYS = List.of("mobile", "email", "userId");
    static final List<String> NAME_KEYS = List.of("firstName", "lastName");

    private final CardSearch search;
    private final Clock clock;

    public Reconciler(CardSearch search, Clock clock) {
        this.search = search;
        this.clock = clock;
    }

    /** Returns the card EnKash already made for this request, or null when it has none. */
    public CreatedCard reconcile(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, Object> request = exchange.getProperty(CardExchange.REQUEST, Map.class);
        Instant failedAt = exchange.getProperty(CardExchange.FAILED_AT, Instant.class);
        if (STRONG_KEYS.stream().noneMatch(k -> request.get(k) != null)) {
            throw new NeedsReviewException(List.of());
        }
        List<CardSummary> cards = search.cards(text(request.get("companyId")), text(request.get("cardAccountId")),
                failedAt != null ? failedAt : clock.instant());
        List<CardSummary> matches = new ArrayList<>();
        for (CardSummary card : cards) {
            if (matches(request, card)) {
                matches.add(card);
            }
        }
        if (matches.size() > 1) {
            List<String> ids = matches.stream().map(CardSummary::enKashCardId).toList();
            exchange.setProperty(CardExchange.CANDIDATES, String.join(",", ids));
            throw new NeedsReviewException(ids);
        }
        if (matches.isEmpty()) {
            return null;
        }
        CardSummary card = matches.get(0);
        exchange.setProperty(CardExchange.RECONCILED, true);
        return new CreatedCard(card.enKashCardId(), card.maskedNumber(), card.cardStatus(), card.kycStatus());
    }

    /** Every key both sides have must agree, and at least one strong key must be among them. */
    static boolean matches(Map<String, Object> request, CardSummary card) {
        Map<String, String> cardKeys = new java.util.HashMap<>();
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

    private static String normalise(String s) {
        return s.trim().toLowerCase(Locale.ROOT);
    }

    private static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }
}
