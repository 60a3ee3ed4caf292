package dev.cairn.api;

/** An id string is malformed or was minted by another namespace. */
public final class InvalidIdException extends CairnException {
    public InvalidIdException(String message) {
        super(message, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
