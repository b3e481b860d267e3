package io.cardroutes.ops;

/** What an operator sees of the bundle in JMX / Hawtio (domain io.cardroutes). */
public interface CardOperationsMBean {

    /** Requests per status, e.g. "CREATED=120, FAILED=2, NEEDS_REVIEW=1". */
    String getCountsByStatus();

    /** Requests that need a person: several EnKash cards match a request whose answer was lost. */
    long getNeedsReviewCount();

    /** Up to 100 of them: "requestId -> candidate card ids". */
    String[] getNeedsReview();

    /** True once EnKash rejected the login often enough that the bundle stopped asking. */
    boolean isCredentialsRejected();

    /** After fixing the credentials in the environment of a running bundle: log in afresh. */
    void resetTokenCache();
}
