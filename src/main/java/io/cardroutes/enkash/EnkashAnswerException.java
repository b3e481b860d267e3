package io.cardroutes.enkash;

/**
 * EnKash answered something this bundle cannot read, or refused a fresh access token.
 * The request is not sent again automatically: the card may exist.
 */
public class EnkashAnswerException extends EnkashException {

    public EnkashAnswerException(String message, int httpStatus) {
        super(message, httpStatus);
    }
}
