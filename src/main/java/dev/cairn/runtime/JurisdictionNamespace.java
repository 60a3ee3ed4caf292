package dev.cairn.runtime;

import dev.cairn.api.InvalidIdException;
import dev.cairn.api.Jurisdiction;
import dev.cairn.api.LocationHint;
import dev.cairn.api.Namespace;
import dev.cairn.api.ObjectId;
import dev.cairn.api.Stub;
import java.util.Optional;

/**
 * A namespace restricted to one jurisdiction ({@code namespace.jurisdiction("eu")}): it mints ids that
 * record the jurisdiction and refuses ids of any other. Immutable and thread-safe; the objects are the
 * unrestricted namespace's, reached through it.
 */
final class JurisdictionNamespace<T> implements Namespace<T> {
    private final LocalNamespace<T> all;
    private final Jurisdiction jurisdiction;

    JurisdictionNamespace(LocalNamespace<T> all, Jurisdiction jurisdiction) {
        this.all = all;
        this.jurisdiction = jurisdiction;
    }

    @Override
    public String name() {
        return all.name();
    }

    @Override
    public Class<T> kind() {
        return all.kind();
    }

    @Override
    public ObjectId idFromName(String name) {
        return all.idFromName(name, jurisdiction);
    }

    @Override
    public ObjectId newUniqueId() {
        return all.newUniqueId(jurisdiction);
    }

    @Override
    public ObjectId newUniqueId(Jurisdiction requested) {
        if (requested != jurisdiction) {
            throw new IllegalArgumentException(restricted() + " cannot mint an id of jurisdiction '"
                    + (requested == null ? "none" : requested.code()) + "'; use the unrestricted namespace for that");
        }
        return newUniqueId();
    }

    @Override
    public Namespace<T> jurisdiction(Jurisdiction requested) {
        if (requested != jurisdiction) {
            throw new IllegalArgumentException(restricted() + " cannot be restricted to jurisdiction '"
                    + (requested == null ? "none" : requested.code()) + "' as well; start from the unrestricted namespace");
        }
        return this;
    }

    @Override
    public ObjectId idFromString(String hex) {
        return ours(all.idFromString(hex));
    }

    @Override
    public Stub<T> get(ObjectId id) {
        return all.get(ours(id));
    }

    @Override
    public Stub<T> get(ObjectId id, Optional<LocationHint> locationHint) {
        return all.get(ours(id), locationHint);
    }

    private ObjectId ours(ObjectId id) {
        if (id.jurisdiction().orElse(null) != jurisdiction) {
            throw new InvalidIdException("id " + id + " belongs to " + id.jurisdiction().map(j -> "jurisdiction '" + j.code() + "'")
                    .orElse("no jurisdiction") + ", not to '" + jurisdiction.code() + "': " + restricted() + " accepts its own ids only");
        }
        return id;
    }

    private String restricted() {
        return "namespace '" + all.name() + "' restricted to jurisdiction '" + jurisdiction.code() + "'";
    }
}
