package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.ObjectId;
import dev.cairn.namespaces.IdCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardsTest {
    static final Members THREE = Members.parse("n1", "n1=http://127.0.0.1:18081,n2=http://127.0.0.1:18082,n3=http://127.0.0.1:18083");
    static final IdCodec IDS = new IdCodec("counter", "a key", new Random(7));

    @Test
    void theShardIsTheFirstEightBytesOfTheIdModuloTheCount() {
        ObjectId id = new ObjectId("ns", "ffffffffffffffff" + "0".repeat(48), null, null);
        assertEquals((int) Long.remainderUnsigned(-1L, 63), new Shards(63).shardOf(id));
        assertEquals(63, new Shards(64).shardOf(id));
        assertEquals(0, new Shards(1).shardOf(id));
    }

    @Test
    void theCountIsOneTo4096() {
        assertEquals("cairn.cluster.shards: must be 1 to 4096, got 0", assertThrows(IllegalStateException.class, () -> new Shards(0)).getMessage());
        assertEquals("cairn.cluster.shards: must be 1 to 4096, got 4097", assertThrows(IllegalStateException.class, () -> new Shards(4097)).getMessage());
    }

    @Test
    void tenThousandNamedAndUniqueIdsSplitEvenlyOverThreeMembersLeadingSixGroups() {
        var shards = new Shards(64);
        var groups = new Groups(THREE, shards, 6, 3);
        List<ObjectId> ids = new ArrayList<>();
        IntStream.range(0, 5_000).forEach(i -> ids.add(IDS.fromName("object-" + i)));
        IntStream.range(0, 5_000).forEach(i -> ids.add(IDS.newUnique(null)));
        assertEquals(10_000, ids.stream().distinct().count());
        Map<String, Long> split = new TreeMap<>(ids.stream()
                .collect(Collectors.groupingBy(id -> groups.preferredLeader(groups.groupOf(shards.shardOf(id))), Collectors.counting())));
        System.out.println("split of 10,000 ids over 3 members leading 6 groups of 64 shards: " + split);
        assertEquals(List.of("n1", "n2", "n3"), List.copyOf(split.keySet()));
        split.forEach((member, n) -> assertTrue(Math.abs(n - 3_333) <= 350, member + " owns " + n + " of 10,000 ids: " + split));
    }

    @Test
    void shardsThemselvesAreUsedEvenly() {
        var shards = new Shards(64);
        Map<Integer, Long> perShard = IntStream.range(0, 64_000).mapToObj(i -> IDS.fromName("n" + i))
                .collect(Collectors.groupingBy(shards::shardOf, Collectors.counting()));
        assertEquals(64, perShard.size());
        perShard.forEach((shard, n) -> assertTrue(n > 800 && n < 1200, "shard " + shard + " holds " + n + " of 64,000"));
    }
}
