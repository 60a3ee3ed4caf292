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

    /** One member of a cluster whose objects are spread over {@code shards}, each owned by one member. */
    record Sharded(Members members, Shards shards, ShardOwners owners, MemberHealth health, Placement placement) implements Cluster {
        public Sharded(Members members, Shards shards, ShardOwners owners, MemberHealth health) {
            this(members, shards, owners, health, new ShardPlacement(members.self(), shards, owners));
        }

        @Override
        public String nodeId() {
            return members.self();
        }

        /** The shard of {@code id} and the member owning it. */
        public Owner ownerOf(ObjectId id) {
            int shard = shards.shardOf(id);
            return new Owner(members.member(owners.ownerOf(shard)), shard);
        }
    }

    /** The member owning one shard. */
    record Owner(Member member, int shard) {}
}
