package dev.cairn.runtime;

import dev.cairn.api.ObjectId;

/**
 * Where an object lives. Stubs and the WebSocket upgrade ask it before delivering anything; a single
 * node answers {@link Location.Here} for every object, a cluster otherwise. Thread-safe.
 */
public interface Placement {
    /** Every object lives on this node. */
    Placement SINGLE_NODE = id -> Location.HERE;

    Location locate(ObjectId id);

    /**
     * Called by the object's thread after a batch that wrote nothing, before its replies are released:
     * a batch that wrote something was confirmed by its commit, this one by the node's right to answer
     * for the object. Throws {@link dev.cairn.api.NotLeaderException} when this node may no longer
     * (a deposed or paused leader must not answer even a read from its stale state).
     */
    default void confirmHere(ObjectId id) {}

    /** Where one object lives. */
    sealed interface Location {
        Here HERE = new Here();

        /** On this node: deliver to its mailbox. */
        record Here() implements Location {}

        /** On another node, named by its id. */
        record Elsewhere(String node) implements Location {}

        /** Nowhere for now (its group elects a leader): calls fail at once as not run, and are retried. */
        record Unavailable(String why) implements Location {}
    }
}
