package dev.cairn.api;

/** A storage operation was refused or failed; the message says what and what is allowed. */
public final class StorageException extends CairnException {
    private final boolean retryable;

    public StorageException(String message) {
        this(message, null, false);
    }

    public StorageException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /** {@code retryable}: the call itself was fine and may succeed when sent again. */
    public StorageException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }
}
