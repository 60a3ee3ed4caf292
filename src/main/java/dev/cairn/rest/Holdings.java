package dev.cairn.rest;

import dev.cairn.rest.model.NamespaceSummary;
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
}
