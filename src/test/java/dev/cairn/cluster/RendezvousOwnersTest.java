package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RendezvousOwnersTest {
    @Test
    void everyNodeComputesTheSameOwnersWhateverItsOwnIdOrTheListedOrder() {
        var shards = new Shards(64);
        var fromN1 = new RendezvousOwners(ShardsTest.THREE, shards);
        var fromN3 = new RendezvousOwners(Members.parse("n3", "n3=http://127.0.0.1:18083,n1=http://127.0.0.1:18081,n2=http://127.0.0.1:18082"), shards);
        IntStream.range(0, 64).forEach(s -> assertEquals(fromN1.ownerOf(s), fromN3.ownerOf(s), "shard " + s));
    }

    @Test
    void theOwnersAreAFixedFunctionOfTheConfiguration() {
        // Pinned: a change of the hash or the assignment rule moves shards between nodes of a running cluster.
        var owners = new RendezvousOwners(ShardsTest.THREE, new Shards(8));
        assertEquals(List.of("n1", "n1", "n1", "n3", "n2", "n2", "n3", "n2"), IntStream.range(0, 8).mapToObj(owners::ownerOf).toList());
        assertEquals(1_915_527_626_906_086_399L, RendezvousOwners.weight(0, "n1"));
    }

    @Test
    void eachMemberOwnsAtMostItsShareRoundedUp() {
        Map<String, Long> counts = new RendezvousOwners(ShardsTest.THREE, new Shards(64)).counts();
        assertEquals(64, counts.values().stream().mapToLong(Long::longValue).sum());
        counts.forEach((m, n) -> assertTrue(n == 21 || n == 22, m + " owns " + n));
        Map<String, Long> oneEach = new RendezvousOwners(ShardsTest.THREE, new Shards(3)).counts();
        assertEquals(Map.of("n1", 1L, "n2", 1L, "n3", 1L), oneEach);
    }

    @Test
    void aSingleMemberOwnsEveryShard() {
        var owners = new RendezvousOwners(Members.parse("solo", "solo=http://127.0.0.1:1"), new Shards(16));
        IntStream.range(0, 16).forEach(s -> assertEquals("solo", owners.ownerOf(s)));
    }
}
