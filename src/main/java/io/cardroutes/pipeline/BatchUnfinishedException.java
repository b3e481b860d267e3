package io.cardroutes.pipeline;

/**
 * A batch run ended with requests not yet settled (another instance still holds one in flight, or an
 * outcome could not be stored): the batch's work message is run again later, never acknowledged.
 */
public class BatchUnfinishedException extends RuntimeException {

    public BatchUnfinishedException(String message) {
        super(message);
    }
}
