package dev.cairn.api;

/**
 * A failure of a call as its caller sees it; the flags follow Cloudflare's error properties.
 */
public abstract sealed class CairnException extends RuntimeException
        permits ObjectException, AbortedException, EventTimeoutException, OverloadedException, StorageException, InvalidIdException,
        UnknownNamespaceException, CallCycleException, Refusal, NodeUnreachableException, NotLeaderException {

    protected CairnException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same call may be sent again at once and may succeed (Cloudflare's {@code retryable}). */
    public abstract boolean retryable();

    /** The object or the node is overloaded: do not retry at once; back off first (Cloudflare's {@code overloaded}). */
    public boolean overloaded() {
        return false;
    }

    /** Thrown by object code (the message is the object's). */
    public boolean remote() {
        return false;
    }
}
