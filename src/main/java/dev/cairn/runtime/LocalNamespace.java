package dev.cairn.runtime;

import dev.cairn.runtime.NodeMeters.NamespaceMeters;

import dev.cairn.namespaces.IdCodec;
import java.time.Duration;

import dev.cairn.namespaces.ObjectKind;


import dev.cairn.api.InvalidIdException;
import dev.cairn.api.Jurisdiction;
import dev.cairn.api.LocationHint;
import dev.cairn.api.Namespace;
import dev.cairn.api.ObjectId;
import dev.cairn.api.Stub;
import java.util.Optional;

/** A declared namespace on this node. Immutable and thread-safe. */
final class LocalNamespace<T> implements Namespace<T> {
    private final String name;
    private final ObjectKind<T> kind;
    private final IdCodec ids;
    private final int mailboxCapacity;
    private final Duration eventTimeout;
    private final Mailboxes mailboxes;
    private final Placement placement;
    private final RemoteCalls remoteCalls;
    private final NamespaceMeters meters;

    LocalNamespace(String name, ObjectKind<T> kind, IdCodec ids, int mailboxCapacity, Duration eventTimeout, Mailboxes mailboxes,
            Placement placement, RemoteCalls remoteCalls, NamespaceMeters meters) {
        this.name = name;
        this.kind = kind;
        this.ids = ids;
        this.mailboxCapacity = mailboxCapacity;
        this.eventTimeout = eventTimeout;
        this.mailboxes = mailboxes;
        this.placement = placement;
        this.remoteCalls = remoteCalls;
        this.meters = meters;
    }

    NamespaceMeters meters() {
        return meters;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Class<T> kind() {
        return kind.type();
    }

    ObjectKind<T> objectKind() {
        return kind;
    }

    int mailboxCapacity() {
        return mailboxCapacity;
    }

    /** How long one call, fetch or alarm run of these objects may run before its caller is answered with {@code EventTimeoutException}. */
    Duration eventTimeout() {
        return eventTimeout;
    }

    @Override
    public ObjectId idFromName(String objectName) {
        return ids.fromName(objectName);
    }

    /** The id of {@code objectName} within {@code jurisdiction} (null: unrestricted). */
    ObjectId idFromName(String objectName, Jurisdiction jurisdiction) {
        return ids.fromName(objectName, jurisdiction);
    }

    @Override
    public ObjectId newUniqueId() {
        return ids.newUnique(null);
    }

    @Override
    public Namespace<T> jurisdiction(Jurisdiction jurisdiction) {
        return new JurisdictionNamespace<>(this, java.util.Objects.requireNonNull(jurisdiction, "jurisdiction"));
    }

    @Override
    public ObjectId newUniqueId(Jurisdiction jurisdiction) {
        return ids.newUnique(jurisdiction);
    }

    @Override
    public ObjectId idFromString(String hex) {
        return ids.parse(hex);
    }

    /** An id read back from Cairn's own records, with the name it was used under when known. */
    ObjectId idFromIndex(String hex, String objectName) {
        ObjectId id = ids.parse(hex);
        return objectName == null ? id : new ObjectId(name, hex, objectName, id.jurisdiction().orElse(null));
    }

    @Override
    public Stub<T> get(ObjectId id) {
        return get(id, Optional.empty());
    }

    @Override
    public Stub<T> get(ObjectId id, Optional<LocationHint> locationHint) {
        if (!id.namespace().equals(name)) {
            throw new InvalidIdException("id " + id + " belongs to namespace '" + id.namespace()
                    + "', not '" + name + "'");
        }
        return new LocalStub<>(this, id, locationHint, mailboxes, placement, remoteCalls);
    }
}
