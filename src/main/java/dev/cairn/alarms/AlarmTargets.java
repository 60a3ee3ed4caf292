package dev.cairn.alarms;

import dev.cairn.api.ObjectId;
import dev.cairn.api.UnknownNamespaceException;
import java.util.concurrent.CompletableFuture;

/** What the scheduler needs of the node: sending objects their alarm events, and reading ids back from the index. Thread-safe. */
public interface AlarmTargets {
    /** Sends {@code work} to the object as one of its events; completes with what {@link AlarmScheduler#handle} returned. */
    CompletableFuture<Object> send(ObjectId id, AlarmWork work);

    /** An id read back from the index, with the name it was used under when known. */
    ObjectId idFromIndex(String namespace, String hex, String name) throws UnknownNamespaceException;

    /** Whether the object runs on this node (in a cluster: its group's serving leader is this node). */
    boolean runsHere(ObjectId id);

    /** Throws when {@code namespace} is not declared. */
    void requireNamespace(String namespace) throws UnknownNamespaceException;
}
