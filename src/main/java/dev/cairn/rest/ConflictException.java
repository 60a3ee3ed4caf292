package dev.cairn.rest;

/** The request conflicts with the object's state (HTTP 409); thrown by endpoint code, not objects. */
public final class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message, null, false, false);
    }
}
