package io.cardroutes.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * The card search endpoint: after the {@link RequestChecks} and the required {@code companyId} and
 * {@code cardAccountId}, a call takes the next queued search fault (if any) and answers the card asked
 * for by {@code enKashCardId}, else the account's cards: at most {@link SandboxSettings#searchPageSize()}
 * (or a partial listing's count) listed, all of them counted in {@code recordsCount}.
 */
final class SandboxSearch implements SandboxServer.Endpoint {

    private final SandboxSettings settings;
    private final RequestChecks checks;
    private final SandboxCards cards;
    private final FaultAnswers faultAnswers;
    private final FaultQueue faults;
    private final AtomicInteger searchCalls = new AtomicInteger();

    SandboxSearch(SandboxSettings settings, RequestChecks checks, SandboxCards cards, FaultQueue faults,
            FaultAnswers faultAnswers) {
        this.settings = settings;
        this.faults = faults;
        this.checks = checks;
        this.cards = cards;
        this.faultAnswers = faultAnswers;
    }

    int searchCalls() {
        return searchCalls.get();
    }

    /** Forgets the call count. */
    void reset() {
        searchCalls.set(0);
    }

    @Override
    public Answer answer(HttpExchange exchange, byte[] raw) throws InterruptedException {
        searchCalls.incrementAndGet();
        checks.sleepLatency();
        RequestChecks.Checked checked = checks.check(exchange, new String(raw, StandardCharsets.UTF_8));
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        ObjectNode request = checked.body();
        List<String> problems = RequestChecks.missingAccount(request);
        if (!problems.isEmpty()) {
            return new Answer(400, Answer.errorBody(String.join("; ", problems)));
        }
        Fault fault = faults.poll();
        Answer refused = fault == null ? null : FaultAnswers.refusedBy(fault);
        if (refused != null) {
            return refused;
        }
        Answer answer = searchAnswer(request, CardListing.listed(settings.searchPageSize(), fault));
        return fault == null ? answer : faultAnswers.garbled(fault, answer);
    }

    /** The card asked for by enKashCardId, else the account's cards, listing at most {@code listed}. */
    private Answer searchAnswer(ObjectNode request, int listed) {
        String companyId = request.get("companyId").asText();
        String cardAccountId = request.get("cardAccountId").asText();
        JsonNode cardId = request.get("enKashCardId");
        if (cardId != null && !cardId.isNull() && !cardId.asText().isBlank()) {
            ObjectNode card = cards.byId(cardId.asText().trim());
            if (card == null || !SandboxCards.belongsTo(card, companyId, cardAccountId)) {
                return new Answer(200, Answer.errorBody("Card not found"));
            }
            ObjectNode body = Answer.JSON.createObjectNode();
            body.put("response_code", 0);
            body.put("response_message", "Success");
            body.set("payload", card);
            return new Answer(200, body.toString());
        }
        return new Answer(200, CardListing.body(cards.inAccount(companyId, cardAccountId), listed));
    }
}
