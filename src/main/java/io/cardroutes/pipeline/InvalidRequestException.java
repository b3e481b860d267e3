package io.cardroutes.pipeline;

/** A record that cannot even be read as a card request (not an object, unreadable line). */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
