package dev.cairn.cluster;

import dev.cairn.api.ObjectId;
import dev.cairn.runtime.Placement;
import java.util.Optional;

/**
 * What this node knows of the cluster it is part of, and this package's entry point: a single node
 * (no {@code cairn.cluster.members}: every object is here), or one member of a sharded cluster.
 * Immutable (a sharded cluster's member health changes inside {@link MemberHealth}).
 */
public sealed interface Cluster {
    /** This node's id ({@code cairn.cluster.node-id}; a single node without one is {@value Single#DEFAULT_ID}). */
    String nodeId();

    /** Where objects live, for the node. */
    Placement placement();

    /** A node on its own: every object lives here. */
    record Single(String nodeId) implements Cluster {
        public static final String DEFAULT_ID = "local";

        public static Single of(Optional<String> nodeId) {
            return new Single(nodeId.orElse(DEFAULT_ID));
        }

        @Override
        public Placement placement() {
            return Placement.SINGLE_NODE;
        }
    }

    /**
     * One member of a cluster whose objects are spread over {@code shards}, the shards over Raft
     * {@code groups}; each shard is owned by its group's leader.
     */
    record Sharded(Members members, Shards shards, Groups groups, ShardOwners owners, MemberHealth health, Placement placement)
            implements Cluster {

        @Override
        public String nodeId() {
            return members.self();
        }

        /** The shard of {@code id} and the member owning it, or none while the shard's group has no serving leader. */
        public Optional<Owner> ownerOf(ObjectId id) {
            int shard = shards.shardOf(id);
            return owners.ownerOf(shard).map(owner -> new Owner(members.member(owner), shard));
        }
    }

    /** The member owning one shard. */
    record Owner(Member member, int shard) {}
}
