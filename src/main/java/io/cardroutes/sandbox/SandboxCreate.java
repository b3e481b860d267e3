package io.cardroutes.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * The card Create endpoint: after the {@link RequestChecks} and body validation, a call takes the next
 * queued Create {@link Fault} (if any), otherwise a random 503/429 by the configured shares, otherwise
 * it is refused for an empty card account or creates the card. Each answered call is recorded.
 */
final class SandboxCreate implements SandboxServer.Endpoint {

    private static final Pattern EMAIL = Pattern.compile("^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$");
    private static final Pattern MOBILE = Pattern.compile("^[0-9]{10}$");

    private final SandboxSettings settings;
    private final Clock clock;
    private final RequestChecks checks;
    private final SandboxCards cards;
    private final FaultAnswers faultAnswers;
    private final FaultQueue faults;
    private final AtomicInteger createCalls = new AtomicInteger();
    private final AtomicInteger createsInProgress = new AtomicInteger();
    private final AtomicInteger peakCreatesInProgress = new AtomicInteger();
    private final ConcurrentSkipListMap<Long, RecordedCall> recordedCalls = new ConcurrentSkipListMap<>();
    private final AtomicLong callSequence = new AtomicLong();

    SandboxCreate(SandboxSettings settings, Clock clock, RequestChecks checks, SandboxCards cards,
            FaultQueue faults, FaultAnswers faultAnswers) {
        this.settings = settings;
        this.faults = faults;
        this.clock = clock;
        this.checks = checks;
        this.cards = cards;
        this.faultAnswers = faultAnswers;
    }

    int createCalls() {
        return createCalls.get();
    }

    int peakCreatesInProgress() {
        return peakCreatesInProgress.get();
    }

    List<RecordedCall> recordedCalls() {
        return new ArrayList<>(recordedCalls.values());
    }

    /** Forgets counters and recorded calls. */
    void reset() {
        createCalls.set(0);
        peakCreatesInProgress.set(0);
        recordedCalls.clear();
    }

    /** Why EnKash would refuse this Create body (problems joined with "; "), or null when it is valid. */
    static String invalid(ObjectNode body) {
        List<String> problems = RequestChecks.missingAccount(body);
        JsonNode email = body.get("email");
        if (email != null && !email.isNull() && !(email.isTextual() && EMAIL.matcher(email.asText()).matches())) {
            problems.add("Invalid email");
        }
        JsonNode mobile = body.get("mobile");
        if (mobile != null && !mobile.isNull()
                && !((mobile.isTextual() || mobile.isIntegralNumber()) && MOBILE.matcher(mobile.asText()).matches())) {
            problems.add("Invalid mobile: must be exactly 10 digits");
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    @Override
    public Answer answer(HttpExchange exchange, byte[] raw) throws InterruptedException {
        createCalls.incrementAndGet();
        peakCreatesInProgress.accumulateAndGet(createsInProgress.incrementAndGet(), Math::max);
        CreateCall call = new CreateCall(callSequence.incrementAndGet(), lowerCaseHeaders(exchange),
                new String(raw, StandardCharsets.UTF_8));
        Answer answer = null;
        try {
            answer = answerCreate(exchange, call);
            return answer;
        } finally {
            createsInProgress.decrementAndGet();
            call.record(answer == null ? 500 : answer.status());
        }
    }

    private Answer answerCreate(HttpExchange exchange, CreateCall call) throws InterruptedException {
        checks.sleepLatency();
        RequestChecks.Checked checked = checks.check(exchange, call.body);
        call.body = checked.plainText();
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        ObjectNode body = checked.body();
        String invalid = invalid(body);
        if (invalid != null) {
            return new Answer(400, Answer.errorBody(invalid));
        }
        Fault fault = faults.poll();
        if (fault != null) {
            return applyFault(fault, body, call);
        }
        double share = settings.share5xx() + settings.share429();
        double draw = share > 0 ? ThreadLocalRandom.current().nextDouble() : 1.0;
        if (draw < settings.share5xx()) {
            return Answer.status(503, -1);
        }
        if (draw < share) {
            return new Answer(429, Answer.errorBody(Answer.reason(429)))
                    .withHeader("Retry-After", Integer.toString(settings.retryAfterSeconds()));
        }
        if (settings.emptyCardAccounts().contains(body.path("cardAccountId").asText())) {
            return Answer.businessRefusal("Insufficient balance in card account");
        }
        return Answer.success(cards.create(body));
    }

    private Answer applyFault(Fault fault, ObjectNode body, CreateCall call) throws InterruptedException {
        Answer refused = FaultAnswers.refusedBy(fault);
        if (refused != null) {
            return refused;
        }
        switch (fault.kind()) {
            case BUSINESS_REFUSAL:
                return Answer.businessRefusal(fault.message());
            case ANSWER_LOST:
                cards.create(body);
                return Answer.status(fault.httpStatus(), -1);
            case UNREADABLE_ANSWER:
            case TRUNCATED_ANSWER:
                return faultAnswers.garbled(fault, Answer.success(cards.create(body)));
            case SUCCESS_WITHOUT_CARD_ID: {
                ObjectNode withoutId = cards.create(body).deepCopy();
                withoutId.remove("enKashCardId");
                return Answer.success(withoutId);
            }
            case STALL: {
                ObjectNode card = cards.create(body);
                call.record(200); // recorded now: the card exists while the answer is held back
                Thread.sleep(fault.millis());
                return Answer.success(card);
            }
            case STALL_BEFORE_CREATE:
                Thread.sleep(fault.millis());
                return Answer.status(504, -1);
            case SLOW_CREATE:
                Thread.sleep(fault.millis());
                return Answer.success(cards.create(body));
            default:
                throw new IllegalStateException("not a Create fault: " + fault);
        }
    }

    private static Map<String, String> lowerCaseHeaders(HttpExchange exchange) {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.merge(name.toLowerCase(Locale.ROOT), String.join(", ", values), (a, b) -> a + ", " + b));
        return headers;
    }

    /** One Create call being answered: what gets recorded, once, with the answered status. */
    private final class CreateCall {
        private final long sequence;
        private final Map<String, String> headers;
        private volatile String body;
        private volatile boolean recorded;
        private final Instant receivedAt = clock.instant();

        CreateCall(long sequence, Map<String, String> headers, String body) {
            this.sequence = sequence;
            this.headers = headers;
            this.body = body;
        }

        void record(int status) {
            if (!recorded) {
                recorded = true;
                recordedCalls.put(sequence, new RecordedCall(headers, body, status, receivedAt));
            }
        }
    }
}
