package dev.cairn.api;

import java.util.Optional;

/**
 * A 256-bit object id, written as 64 lowercase hex characters. Equal ids name the same object;
 * ids of different namespaces are never equal.
 */
public final class ObjectId {
    /** Longest name accepted by {@link Namespace#idFromName}, in characters. */
    public static final int MAX_NAME_LENGTH = 512;

    private final String namespace;
    private final String hex;
    private final String name;
    private final Jurisdiction jurisdiction;

    /** For the engine, which validates the parts; object code gets ids from a {@link Namespace}. */
    public ObjectId(String namespace, String hex, String name, Jurisdiction jurisdiction) {
        this.namespace = namespace;
        this.hex = hex;
        this.name = name;
        this.jurisdiction = jurisdiction;
    }

    public String namespace() {
        return namespace;
    }

    /** The name this id was derived from, when it was addressed by name. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The jurisdiction recorded by {@link Namespace#newUniqueId(Jurisdiction)}, if any. */
    public Optional<Jurisdiction> jurisdiction() {
        return Optional.ofNullable(jurisdiction);
    }

    /** The 64-hex-character form, accepted by {@link Namespace#idFromString}. */
    @Override
    public String toString() {
        return hex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectId other && other.hex.equals(hex) && other.namespace.equals(namespace);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }
}
