package dev.cairn.cluster;

import java.util.Optional;

/**
 * Which member owns each shard: the leader of the shard's Raft group, once it serves. Part of the
 * cluster's seam. Thread-safe.
 */
public interface ShardOwners {
    /** The id of the member that owns {@code shard} (0 to shards - 1), or none while its group has no serving leader. */
    Optional<String> ownerOf(int shard);

    /**
     * Calls {@code changed} whenever a group's leader changes as this node sees it, on the replication
     * thread that saw it: {@code changed} returns at once.
     */
    void onChange(Runnable changed);
}
