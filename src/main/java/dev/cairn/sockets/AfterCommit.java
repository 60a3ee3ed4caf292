package dev.cairn.sockets;

/**
 * Something an event does that must not happen before its batch is committed (a message sent to a
 * socket, a close, a committed attachment becoming visible): held by the object loop's output gate.
 */
public interface AfterCommit {
    /** The batch is durable: do it. */
    void committed();

    /** The event failed or the batch was not committed: undo any in-memory preview. */
    default void discarded() {}
}
