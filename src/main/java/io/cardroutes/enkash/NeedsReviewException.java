package io.cardroutes.enkash;

import java.util.List;

/** After a lost answer, more than one existing card matches the request: only a person can tell which. */
public class NeedsReviewException extends EnkashException {

    private final List<String> candidates;

    public NeedsReviewException(List<String> candidates) {
        super(candidates.isEmpty()
                ? "EnKash's answer was lost and the request has no mobile, email or name to look its card up by"
                : "EnKash's answer was lost and " + candidates.size() + " existing cards match: "
                        + String.join(", ", candidates), 0);
        this.candidates = List.copyOf(candidates);
    }

    public List<String> candidates() {
        return candidates;
    }
}
