package dev.cairn.api;

/**
 * An event of the object (a call, a fetch, an alarm run) ran past its time limit
 * ({@code cairn.objects.event-timeout}, per namespace {@code cairn.namespaces.<ns>.event-timeout}):
 * its caller is answered at once, and when the object's code returns, the writes of the event (and of
 * the events committed with it) are rolled back and the instance is reset. Java cannot stop a thread:
 * code that never returns keeps the object from running anything else; its queued calls fail at the
 * queue deadline.
 */
public final class EventTimeoutException extends CairnException {
    private final Role role;

    /** Whether the caller's own event ran too long, or another one of the batch its writes would have committed with. */
    public enum Role {
        /** This event ran past the limit: sending it again would likely do the same. */
        THIS_EVENT,
        /** An event committed with this one did: this one's writes were not saved, and it may be sent again. */
        SAME_BATCH
    }

    public EventTimeoutException(String message, Role role) {
        super(message, null);
        this.role = role;
    }

    public Role role() {
        return role;
    }

    @Override
    public boolean retryable() {
        return role == Role.SAME_BATCH;
    }
}
