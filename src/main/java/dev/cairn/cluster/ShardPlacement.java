package dev.cairn.cluster;

import dev.cairn.api.ObjectId;
import dev.cairn.runtime.Placement;

/** Where an object lives in a cluster: on the owner of its shard. Thread-safe (its parts are). */
public final class ShardPlacement implements Placement {
    private final String self;
    private final Shards shards;
    private final ShardOwners owners;

    public ShardPlacement(String self, Shards shards, ShardOwners owners) {
        this.self = self;
        this.shards = shards;
        this.owners = owners;
    }

    @Override
    public Location locate(ObjectId id) {
        String owner = owners.ownerOf(shards.shardOf(id));
        return owner.equals(self) ? Location.HERE : new Location.Elsewhere(owner);
    }
}
