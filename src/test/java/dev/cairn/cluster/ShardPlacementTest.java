package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.api.ObjectId;
import dev.cairn.runtime.Placement.Location;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardPlacementTest {
    @Test
    void anObjectIsHereOnItsShardsOwnerAndElsewhereOnEveryOtherNode() {
        var shards = new Shards(64);
        ShardOwners owners = shard -> shard % 2 == 0 ? "n1" : "n2";
        var onN1 = new ShardPlacement("n1", shards, owners);
        var onN2 = new ShardPlacement("n2", shards, owners);
        IntStream.range(0, 200).forEach(i -> {
            ObjectId id = ShardsTest.IDS.fromName("o" + i);
            boolean even = shards.shardOf(id) % 2 == 0;
            assertEquals(even ? Location.HERE : new Location.Elsewhere("n2"), onN1.locate(id));
            assertEquals(even ? new Location.Elsewhere("n1") : Location.HERE, onN2.locate(id));
        });
    }
}
