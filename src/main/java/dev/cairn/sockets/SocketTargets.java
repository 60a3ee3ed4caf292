package dev.cairn.sockets;

import dev.cairn.api.ObjectId;
import java.util.concurrent.CompletableFuture;

/** What the sockets need of the node. Thread-safe. */
public interface SocketTargets {
    /** Sends {@code event} to the object as one of its events; completes with what {@link SocketHub#handle} returned. */
    CompletableFuture<Object> send(ObjectId id, SocketEvent event);

    /** Whether the object is active (its set must then stay: the loop's view refers to it). */
    boolean isActive(ObjectId id);
}
