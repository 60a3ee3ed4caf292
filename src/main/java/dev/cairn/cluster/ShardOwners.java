package dev.cairn.cluster;

/**
 * Which member owns each shard. Part of the cluster's seam: today a fixed assignment
 * ({@link RendezvousOwners}); with replication, the leader of the shard's group. Thread-safe.
 */
public interface ShardOwners {
    /** The id of the member that owns {@code shard} (0 to shards - 1). */
    String ownerOf(int shard);
}
