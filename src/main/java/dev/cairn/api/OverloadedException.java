package dev.cairn.api;

/**
 * The call was refused without running: the object's mailbox is full, the call waited too long in
 * it, or the node is shutting down. Nothing was written. Retry later, not at once.
 */
public final class OverloadedException extends CairnException {
    private final boolean shuttingDown;

    public OverloadedException(String message, boolean shuttingDown) {
        super(message, null);
        this.shuttingDown = shuttingDown;
    }

    /** The node is shutting down (retry elsewhere or after the restart). */
    public boolean shuttingDown() {
        return shuttingDown;
    }

    @Override
    public boolean retryable() {
        return true;
    }

    @Override
    public boolean overloaded() {
        return true;
    }
}
