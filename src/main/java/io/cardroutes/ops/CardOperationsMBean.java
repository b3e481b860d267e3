package io.cardroutes.ops;

/** What an operator sees of the bundle in JMX / Hawtio (domain io.cardroutes). */
public interface CardOperationsMBean {

    /** Requests per status, e.g. "CREATED=120, FAILED=2, NEEDS_REVIEW=1". */
    String getCountsByStatus();

    /** Requests that need a person: several EnKash cards match a request whose answer was lost. */
    long getNeedsReviewCount();

    /** Up to 100 of them: "requestId -> candidate card ids". */
    String[] getNeedsReview();

    /** Failed EnKash logins in a row, counted in the database for every instance on it (a login under way counts). */
    int getFailedLogins();

    /** The limit of failed logins in a row (enkash.token.max-rejected-logins); EnKash locks the account at 3. */
    int getMaxFailedLogins();

    /** Why the last counted login failed, or null. */
    String getLastLoginFailure();

    /** True while the bundle makes no login at all: the limit was reached and nobody cleared it. */
    boolean isLoginLocked();

    /**
     * After fixing the credentials (and checking with EnKash that the account is not locked): clears
     * the failed-login count, so the next request logs in again. Restarting does not clear it.
     */
    String clearLoginLock();

    /** Mails (batch summaries, alerts) the mail server took since the bundle started. */
    long getMailsSent();

    /**
     * Mails given up since the bundle started: refused for good (SMTP 5xx) or still failing after every
     * retry. Each is logged at ERROR on io.cardroutes.mail; the outcomes it reported are in the database.
     */
    long getMailsNotSent();

    /** Forgets the cached access token, so the next request logs in afresh (the failed-login count stays). */
    void resetTokenCache();

    /**
     * Sends a FAILED request again from its stored request, under the same requestId (so never a second
     * card), and answers with its new outcome; any other request is not retried, and the answer says why.
     */
    String retryRequest(String requestId);

    /**
     * Retries every request that is FAILED now of one batch: a batchId, or an input file's name (every
     * batch read from a file of that name). Answers with counts by new status and a line a request.
     */
    String retryFailedOfBatch(String batchIdOrFileName);
}
