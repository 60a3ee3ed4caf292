package dev.cairn.api;

import java.util.Optional;

/**
 * A named set of objects of one kind. Ids from one namespace are refused by every other.
 *
 * @param <T> the object class bound to this namespace
 */
public interface Namespace<T> {

    /** The namespace's name, as configured. */
    String name();

    /** The class whose instances serve this namespace. */
    Class<T> kind();

    /**
     * The id of the object called {@code name}: the same for the same name forever, on every node
     * that shares this namespace's key.
     *
     * @throws IllegalArgumentException when the name is empty or longer than {@link ObjectId#MAX_NAME_LENGTH}
     */
    ObjectId idFromName(String name);

    /** A new random id; nothing is created until the first call. */
    ObjectId newUniqueId();

    /** A new random id that records a jurisdiction (a single node serves every jurisdiction). */
    ObjectId newUniqueId(Jurisdiction jurisdiction);

    /**
     * This namespace restricted to {@code jurisdiction} (Cloudflare's {@code namespace.jurisdiction("eu")}):
     * the ids it mints, new or named, record the jurisdiction, and a name gives another id (another
     * object) than in the unrestricted namespace. Its {@code idFromString} and {@code get} refuse ids of
     * another jurisdiction or of none. The unrestricted namespace accepts ids of every jurisdiction.
     *
     * @throws IllegalArgumentException on a namespace already restricted to another jurisdiction
     */
    Namespace<T> jurisdiction(Jurisdiction jurisdiction);

    /**
     * {@link #jurisdiction(Jurisdiction)} by Cloudflare's code ({@code "eu"}, {@code "us"}, {@code "fedramp"},
     * {@code "fedramp-high"}).
     *
     * @throws IllegalArgumentException for an unknown code, naming the allowed ones
     */
    default Namespace<T> jurisdiction(String code) {
        return jurisdiction(Jurisdiction.fromCode(code));
    }

    /**
     * Parses the 64-hex-character form of an id minted by this namespace.
     *
     * @throws InvalidIdException when it is malformed or was minted by another namespace
     */
    ObjectId idFromString(String hex);

    /** A stub for the object; creating it does not activate the object. */
    Stub<T> get(ObjectId id);

    /** A stub with a location hint (recorded; a single node has one location). */
    Stub<T> get(ObjectId id, Optional<LocationHint> locationHint);

    /** Shorthand for {@code get(idFromName(name))}. */
    default Stub<T> getByName(String name) {
        return get(idFromName(name));
    }
}
