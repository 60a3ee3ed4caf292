package dev.cairn.cluster;

import java.util.Optional;

/**
 * Whether this node's own data directory takes writes: a leader whose disk refuses them (full, an I/O
 * error, read-only) hands its groups to other members. Part of the cluster's seam. Thread-safe; blocks
 * for at most the probe's time limit, so it is not called on an event loop.
 */
public interface OwnStorage {
    /** Why the data directory refuses writes right now, if it does; empty while it takes them (or is only slow to). */
    Optional<String> refusing();
}
