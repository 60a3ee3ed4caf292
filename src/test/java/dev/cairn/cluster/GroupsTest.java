package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupsTest {
    private static final Members FIVE = Members.parse("n1",
            "n1=http://h1:8080,n2=http://h2:8080,n3=http://h3:8080,n4=http://h4:8080,n5=http://h5:8080");

    @Test
    void shardsGoToGroupsRoundRobinAndEachGroupHasAShard() {
        var groups = new Groups(ShardsTest.THREE, new Shards(64), 6, 3);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 0), IntStream.range(0, 7).mapToObj(groups::groupOf).toList());
        IntStream.range(0, 6).forEach(g -> assertEquals(g, groups.groupOf(groups.firstShard(g))));
    }

    @Test
    void withThreeMembersEveryGroupIsOnAllOfThemAndEachLeadsTwoOfSix() {
        var groups = new Groups(ShardsTest.THREE, new Shards(64), 6, 3);
        Map<String, Long> led = IntStream.range(0, 6).mapToObj(groups::preferredLeader)
                .collect(Collectors.groupingBy(m -> m, TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("n1", 2L, "n2", 2L, "n3", 2L), led);
        IntStream.range(0, 6).forEach(g -> {
            assertEquals(3, groups.replicas(g).size());
            assertEquals(groups.preferredLeader(g), groups.replicas(g).getFirst());
        });
        assertEquals(List.of(0, 1, 2, 3, 4, 5), groups.groupsOf("n2"));
    }

    @Test
    void withFiveMembersEachGroupHasThreeReplicasAndLeadershipIsSpread() {
        var groups = new Groups(FIVE, new Shards(64), 10, 3);
        Map<String, Long> led = IntStream.range(0, 10).mapToObj(groups::preferredLeader)
                .collect(Collectors.groupingBy(m -> m, TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("n1", 2L, "n2", 2L, "n3", 2L, "n4", 2L, "n5", 2L), led);
        IntStream.range(0, 10).forEach(g -> assertEquals(3, groups.replicas(g).stream().distinct().count()));
        int replicated = IntStream.range(0, 10).map(g -> groups.replicas(g).size()).sum();
        assertEquals(30, replicated);
        FIVE.ids().forEach(m -> assertTrue(groups.groupsOf(m).size() >= 3, m + " replicates " + groups.groupsOf(m)));
    }

    @Test
    void everyNodeComputesTheSameLayoutWhateverItsOwnId() {
        var fromN1 = new Groups(ShardsTest.THREE, new Shards(64), 6, 3);
        var fromN3 = new Groups(Members.parse("n3", "n3=http://127.0.0.1:18083,n1=http://127.0.0.1:18081,n2=http://127.0.0.1:18082"),
                new Shards(64), 6, 3);
        IntStream.range(0, 6).forEach(g -> assertEquals(fromN1.replicas(g), fromN3.replicas(g), "group " + g));
        assertEquals(1_915_527_626_906_086_399L, Groups.weight("0", "n1"), "the hash is part of the format");
    }

    @Test
    void unsetTheCountIsTwoPerMemberAtMostOnePerShard() {
        assertEquals(2, Groups.defaultCount(Members.parse("n1", "n1=http://127.0.0.1:18081"), new Shards(64)));
        assertEquals(6, Groups.defaultCount(ShardsTest.THREE, new Shards(64)));
        assertEquals(10, Groups.defaultCount(FIVE, new Shards(64)));
        assertEquals(4, Groups.defaultCount(ShardsTest.THREE, new Shards(4)));
    }

    @Test
    void aGroupCountOutsideOneToTheShardCountIsRefusedNamingTheKey() {
        assertEquals("cairn.cluster.groups is 0; allowed: 1 to 8 (at most one group per shard, cairn.cluster.shards 8)",
                assertThrows(IllegalStateException.class, () -> new Groups(ShardsTest.THREE, new Shards(8), 0, 3)).getMessage());
        assertEquals("cairn.cluster.groups is 9; allowed: 1 to 8 (at most one group per shard, cairn.cluster.shards 8)",
                assertThrows(IllegalStateException.class, () -> new Groups(ShardsTest.THREE, new Shards(8), 9, 3)).getMessage());
        assertEquals("cairn.cluster.replicas is 0; allowed: 1 or more",
                assertThrows(IllegalStateException.class, () -> new Groups(ShardsTest.THREE, new Shards(8), 2, 0)).getMessage());
    }
}
