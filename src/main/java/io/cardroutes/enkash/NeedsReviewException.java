package io.cardroutes.enkash;

import java.util.List;

/** After a lost answer, more than one existing card matches the request: only a person can tell which. */
public class NeedsReviewException extends EnkashException {

    private final List<String> candidates;

    public NeedsReviewException(List<String> candidates) {
        this(candidates.isEmpty()
                ? "EnKash's answer was lost and the request has no mobile, email or userId to look its card up by"
                : "EnKash's answer was lost and " + candidates.size() + " cards made since the request was sent "
                        + "match: " + String.join(", ", candidates), candidates);
    }

    private NeedsReviewException(String message, List<String> candidates) {
        super(message, 0);
        this.candidates = List.copyOf(candidates);
    }

    /** Matching cards whose creation date EnKash does not give: they may be from before the request. */
    public static NeedsReviewException ageUnknown(List<String> candidates) {
        return new NeedsReviewException("EnKash's answer was lost and cards match whose creation date EnKash does "
                + "not give, so they may be from before the request: " + String.join(", ", candidates), candidates);
    }

    public List<String> candidates() {
        return candidates;
    }
}
