package io.cardroutes.sandbox;

/** How a queued fault changes a Create or search answer: the faults both kinds of call share. */
final class FaultAnswers {

    private final UnreadableBodies unreadable;

    FaultAnswers(UnreadableBodies unreadable) {
        this.unreadable = unreadable;
    }

    /** The answer of a fault that stops a Create or search before it does anything, or null for other faults. */
    static Answer refusedBy(Fault fault) {
        return switch (fault.kind()) {
            case STATUS -> Answer.status(fault.httpStatus(), fault.retryAfterSeconds());
            case ERROR_ENVELOPE -> new Answer(200, Answer.errorBody(fault.message()));
            default -> null;
        };
    }

    /** The answer as an unreadable or truncated fault sends it; unchanged for other faults. */
    Answer garbled(Fault fault, Answer answer) {
        return switch (fault.kind()) {
            case UNREADABLE_ANSWER -> Answer.sentAsIs(answer.status(), unreadable.unreadable(answer.body()));
            case TRUNCATED_ANSWER -> Answer.sentAsIs(answer.status(), unreadable.truncated(answer.body()));
            default -> answer;
        };
    }
}
