package dev.cairn.runtime;

import dev.cairn.api.ObjectId;

/**
 * Where an object lives. Stubs and the WebSocket upgrade ask it before delivering anything; a single
 * node answers {@link Location.Here} for every object, a cluster will answer otherwise. Thread-safe.
 */
public interface Placement {
    /** Every object lives on this node. */
    Placement SINGLE_NODE = id -> Location.HERE;

    Location locate(ObjectId id);

    /** Where one object lives. */
    sealed interface Location {
        Here HERE = new Here();

        /** On this node: deliver to its mailbox. */
        record Here() implements Location {}

        /** On another node, named by its id. */
        record Elsewhere(String node) implements Location {}
    }
}
