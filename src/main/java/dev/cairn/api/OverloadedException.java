package dev.cairn.api;

/**
 * The call was refused without running: the object's mailbox is full, the call waited too long in
 * it, or the node is shutting down. Nothing was written.
 *
 * <p>An overloaded object is {@link #overloaded()} and not {@link #retryable()}: as Cloudflare advises
 * for "Durable Object is overloaded", a caller must not send the call again at once, since retries
 * only deepen the queue; back off first (REST answers carry {@code Retry-After}). A node shutting
 * down is retryable (elsewhere, or once it is back) and not overloaded.
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
        return shuttingDown;
    }

    @Override
    public boolean overloaded() {
        return !shuttingDown;
    }
}
