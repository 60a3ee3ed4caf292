package dev.cairn.api;

/**
 * A call to an object on another node of the cluster got no answer from that node: it could not be
 * connected to, or it did not answer in time. Retry later; {@link #delivery()} says whether the call
 * may have run there.
 */
public final class NodeUnreachableException extends CairnException {

    /** What the caller knows of the call's fate. */
    public enum Delivery {
        /** The node was never reached: the call did not run. */
        NOT_SENT,
        /** The request was sent but no answer came: the call may or may not have run. */
        UNKNOWN
    }

    private final String node;
    private final Delivery delivery;

    public NodeUnreachableException(String node, Delivery delivery, String message, Throwable cause) {
        super(message, cause);
        this.node = node;
        this.delivery = delivery;
    }

    /** The id of the node that owns the object. */
    public String node() {
        return node;
    }

    public Delivery delivery() {
        return delivery;
    }

    /** The node may be back later (restarted, the network healed). */
    @Override
    public boolean retryable() {
        return true;
    }
}
