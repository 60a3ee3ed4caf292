package dev.cairn.api;

/** A storage operation was refused or failed; the message says what and what is allowed. */
public final class StorageException extends CairnException {
    private final boolean retryable;
    private final String limit;

    public StorageException(String message) {
        this(message, null, false);
    }

    public StorageException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /** {@code retryable}: the call itself was fine and may succeed when sent again. */
    public StorageException(String message, Throwable cause, boolean retryable) {
        this(message, cause, retryable, null);
    }

    private StorageException(String message, Throwable cause, boolean retryable, String limit) {
        super(message, cause);
        this.retryable = retryable;
        this.limit = limit;
    }

    /** A write or statement refused by the storage limit set by {@code setting} (e.g. {@code cairn.storage.sql-max-columns}). */
    public static StorageException limit(String setting, String message, Throwable cause) {
        return new StorageException(message, cause, false, setting);
    }

    /** The setting of the limit that refused the operation, when a limit did. */
    public java.util.Optional<String> limit() {
        return java.util.Optional.ofNullable(limit);
    }

    @Override
    public boolean retryable() {
        return retryable;
    }
}
