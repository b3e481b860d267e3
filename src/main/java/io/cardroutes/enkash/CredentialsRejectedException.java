package io.cardroutes.enkash;

/**
 * EnKash's token endpoint rejected our credentials, or it did so often enough that the bundle
 * stopped asking (EnKash locks the account after three consecutive failures).
 */
public class CredentialsRejectedException extends EnkashException {

    public static final String PLAIN_REASON = "EnKash rejected the credentials; fix them and restart";

    public CredentialsRejectedException(int httpStatus) {
        super(PLAIN_REASON, httpStatus);
    }
}
