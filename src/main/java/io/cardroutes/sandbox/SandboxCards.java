package io.cardroutes.sandbox;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The cards EnKash holds: those Create calls made and those seeded as issued before (by hand, for
 * another programme), in the order they were stored, by id, and counted per mobile number.
 */
final class SandboxCards {

    private static final String[] ECHOED_FIELDS =
            {"companyId", "cardAccountId", "userId", "firstName", "lastName", "mobile", "email"};

    private final Clock clock;
    private final ConcurrentLinkedQueue<ObjectNode> cardsInOrder = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<String, ObjectNode> cardsById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> cardsPerMobile = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> createdCardsPerMobile = new ConcurrentHashMap<>();
    // 12-digit card numbers, never reused across clear()
    private final AtomicLong cardSequence =
            new AtomicLong(100_000_000_000L + ThreadLocalRandom.current().nextLong(100_000_000_000L));

    SandboxCards(Clock clock) {
        this.clock = clock;
    }

    /** Stores a card from before, dated {@code createdDate} (none when null); see {@link EnkashSandbox#seedCard}. */
    String seed(Map<String, Object> fields, Instant createdDate) {
        ObjectNode request = Answer.JSON.valueToTree(Objects.requireNonNull(fields, "fields"));
        String invalid = SandboxCreate.invalid(request);
        if (invalid != null) {
            throw new IllegalArgumentException("not a card EnKash would have issued: " + invalid);
        }
        return store(request, createdDate, false).path("enKashCardId").asText();
    }

    /** Seeds the cards from before that the settings ask for, dated a day before now. */
    void seedConfigured(SandboxSettings settings) {
        Instant dayBefore = clock.instant().minus(1, ChronoUnit.DAYS);
        for (String mobile : settings.existingCardMobiles()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("companyId", settings.existingCardCompanyId());
            fields.put("cardAccountId", settings.existingCardAccountId());
            fields.put("mobile", mobile);
            try {
                seed(fields, dayBefore);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("existing card mobile '" + mobile + "': " + bad.getMessage(), bad);
            }
        }
    }

    /** Stores the card a Create call makes, dated now. */
    ObjectNode create(ObjectNode request) {
        return store(request, clock.instant(), true);
    }

    /** The card with this id, or null. */
    ObjectNode byId(String enKashCardId) {
        return cardsById.get(enKashCardId);
    }

    /** The cards of this company and card account, in the order they were stored. */
    List<ObjectNode> inAccount(String companyId, String cardAccountId) {
        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode card : cardsInOrder) {
            if (belongsTo(card, companyId, cardAccountId)) {
                matching.add(card);
            }
        }
        return matching;
    }

    static boolean belongsTo(ObjectNode card, String companyId, String cardAccountId) {
        return companyId.equals(card.path("companyId").asText())
                && cardAccountId.equals(card.path("cardAccountId").asText());
    }

    /** Every card, in the order stored, as fresh copies. */
    List<Map<String, Object>> copies() {
        List<Map<String, Object>> copies = new ArrayList<>();
        for (ObjectNode card : cardsInOrder) {
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = Answer.JSON.convertValue(card, LinkedHashMap.class);
            copies.add(copy);
        }
        return copies;
    }

    long cardsFor(String mobile) {
        return count(cardsPerMobile, mobile);
    }

    long cardsCreatedFor(String mobile) {
        return count(createdCardsPerMobile, mobile);
    }

    void clear() {
        cardsInOrder.clear();
        cardsById.clear();
        cardsPerMobile.clear();
        createdCardsPerMobile.clear();
    }

    /** Stores a card; {@code byCreate} false for a card from before, which no Create call made. */
    private ObjectNode store(ObjectNode request, Instant createdDate, boolean byCreate) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String id = "EKC" + cardSequence.incrementAndGet();
        ObjectNode card = Answer.JSON.createObjectNode();
        card.put("enKashCardId", id);
        String lastFour = Integer.toString(10_000 + random.nextInt(10_000)).substring(1);
        card.put("maskedNumber", "XXXXXXXXXXXX" + lastFour);
        ObjectNode cardStatus = card.putObject("cardStatus");
        cardStatus.put("name", "L");
        cardStatus.put("label", "Locked");
        card.put("kycStatus", "MIN_KYC_PENDING");
        card.put("cardActivated", false);
        for (String field : ECHOED_FIELDS) {
            JsonNode value = request.get(field);
            card.set(field, value == null ? NullNode.getInstance() : value.deepCopy());
        }
        JsonNode physical = request.get("physicalCard");
        card.set("physicalCard", physical == null || physical.isNull() ? BooleanNode.FALSE : physical.deepCopy());
        if (createdDate != null) { // a seeded card may come without one, as EnKash's docs do not promise it
            card.put("createdDate", createdDate.truncatedTo(ChronoUnit.MILLIS).toString());
        }
        // publish: by id first, so a search that sees the card in order also finds it by id
        cardsById.put(id, card);
        cardsInOrder.add(card);
        JsonNode mobile = request.get("mobile");
        if (mobile != null && !mobile.isNull()) {
            cardsPerMobile.computeIfAbsent(mobile.asText(), key -> new AtomicLong()).incrementAndGet();
            if (byCreate) {
                createdCardsPerMobile.computeIfAbsent(mobile.asText(), key -> new AtomicLong()).incrementAndGet();
            }
        }
        return card;
    }

    private static long count(Map<String, AtomicLong> perMobile, String mobile) {
        AtomicLong count = mobile == null ? null : perMobile.get(mobile);
        return count == null ? 0 : count.get();
    }
}
