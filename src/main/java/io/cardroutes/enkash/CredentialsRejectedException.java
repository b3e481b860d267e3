package io.cardroutes.enkash;

/**
 * EnKash's token endpoint rejected our credentials, or the bundle stopped logging in because the
 * failed logins in a row reached {@code enkash.token.max-rejected-logins} (EnKash locks the account
 * after three consecutive failures).
 */
public class CredentialsRejectedException extends EnkashException {

    /** Why every request fails while the bundle makes no login, and how an operator ends it. */
    public static final String PLAIN_REASON = "The bundle stopped logging in to EnKash after repeated failed logins "
            + "(EnKash locks the account at 3): fix the credentials, then clear the lock with the JMX operation "
            + "clearLoginLock or POST /api/v1/enkash/login-lock/clear";
    /** EnKash answered the login 400, 401 or 403. */
    public static final String REJECTED_REASON = "EnKash rejected the credentials; after "
            + "enkash.token.max-rejected-logins failed logins in a row the bundle stops logging in";

    private CredentialsRejectedException(String message, int httpStatus) {
        super(message, httpStatus);
    }

    public static CredentialsRejectedException rejected(int httpStatus) {
        return new CredentialsRejectedException(REJECTED_REASON, httpStatus);
    }

    public static CredentialsRejectedException locked() {
        return new CredentialsRejectedException(PLAIN_REASON, 0);
    }
}
