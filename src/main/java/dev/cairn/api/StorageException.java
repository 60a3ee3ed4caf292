package dev.cairn.api;

/** A storage operation was refused or failed; the message says what and what is allowed. */
public final class StorageException extends CairnException {
    public StorageException(String message) {
        super(message, null);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
