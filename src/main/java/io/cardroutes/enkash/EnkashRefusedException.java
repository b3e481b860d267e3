package io.cardroutes.enkash;

/** EnKash answered and refused the request (4xx, or code/response_code != 0): sending it again cannot help. */
public class EnkashRefusedException extends EnkashException {

    public EnkashRefusedException(String message, int httpStatus) {
        super(message, httpStatus);
    }
}
