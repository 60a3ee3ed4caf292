package dev.cairn.rest;

import dev.cairn.rest.model.EntryPage;
import dev.cairn.rest.model.NamespaceSummary;
import dev.cairn.rest.model.ObjectDetails;
import dev.cairn.rest.model.QueryRequest;
import dev.cairn.rest.model.QueryResult;
import dev.cairn.rest.model.StoredObjectPage;
import java.util.List;
import java.util.Optional;

/** What the node holds, as the admin API shows it; the service implements it over the node. Blocking: call it off the event loop. */
public interface Holdings {
    /** Every declared namespace, in declared order. */
    List<NamespaceSummary> namespaces();

    /**
     * One page of a namespace's stored objects.
     *
     * @throws dev.cairn.api.UnknownNamespaceException for an undeclared namespace
     * @throws IllegalArgumentException for a cursor no listing returned, or one of a listing with another prefix
     */
    StoredObjectPage objects(String namespace, Optional<String> namePrefix, Optional<String> cursor, int limit);

    /** One stored object, read inside it. @throws java.util.NoSuchElementException when it is not stored on this node */
    ObjectDetails inspect(String namespace, String id);

    /**
     * One read-only statement against the object's database, logged with {@code who}.
     *
     * @throws dev.cairn.api.StorageException when the statement is refused or fails
     */
    QueryResult query(String namespace, String id, QueryRequest request, String who);

    /** The bookmark of a stored object's state now, or at {@code at}. @throws java.util.NoSuchElementException when it is not stored on this node */
    String bookmark(String namespace, String id, java.util.Optional<java.time.Instant> at);

    /**
     * Restores a stored object to {@code bookmark}, logged with {@code who}: it restarts restored. Returns the
     * bookmark that undoes it. @throws java.util.NoSuchElementException when it is not stored on this node
     */
    String restore(String namespace, String id, String bookmark, String who);

    /** Deletes a stored object, logged with {@code who}. @throws java.util.NoSuchElementException when it is not stored on this node */
    void delete(String namespace, String id, String who);

    /** Deletes every object of the namespace stored on this node, logged with {@code who}; returns how many. */
    long deleteAll(String namespace, String who);

    /** A page of the object's key-value entries from {@code start}, in key order. */
    EntryPage entries(String namespace, String id, Optional<String> prefix, Optional<String> start, int limit);
}
