package dev.cairn.forwarding;

import java.net.URI;

/**
 * The nodes of the cluster as the HTTP side needs them: this node's id (the hop marker it sends) and
 * the base URL of each other node. Thread-safe.
 */
public interface NodeAddresses {

    /** This node's id, sent as {@code Cairn-Forwarded-By} on every request it passes to another node. */
    String self();

    /**
     * The base URL of node {@code node} ({@code http://host:port}, no path).
     *
     * @throws IllegalArgumentException for an id that is not a member
     */
    URI of(String node);
}
