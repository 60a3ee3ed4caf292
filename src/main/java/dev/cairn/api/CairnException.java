package dev.cairn.api;

/**
 * A failure of a call as its caller sees it; the flags follow Cloudflare's error properties.
 */
public abstract sealed class CairnException extends RuntimeException
        permits ObjectException, OverloadedException, StorageException, InvalidIdException,
        UnknownNamespaceException, CallCycleException, Refusal, NodeUnreachableException, NotLeaderException {

    protected CairnException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Retrying the same call later may succeed. */
    public abstract boolean retryable();

    /** The object or the node is overloaded: back off before retrying. */
    public boolean overloaded() {
        return false;
    }

    /** Thrown by object code (the message is the object's). */
    public boolean remote() {
        return false;
    }
}
