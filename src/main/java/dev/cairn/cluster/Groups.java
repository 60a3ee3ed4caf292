package dev.cairn.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * How shards are spread over Raft groups, and each group over members. Shard {@code s} belongs to
 * group {@code s mod count}; a group is replicated on the {@code replicas} members ranked highest by
 * rendezvous {@link #weight weight} of {@code ("g" + group, member)}, so adding a
 * member moves few groups. Each group's preferred leader is one of its replicas, chosen group by group
 * among those preferred least so far, so leadership is spread evenly; Raft elects it when it is up
 * (its priority is highest) and any replica otherwise. Every node computes the same layout from the
 * same configuration. Immutable.
 */
public final class Groups {
    static final String KEY = "cairn.cluster.groups";
    /** Most groups per cluster: each costs a Raft log, heartbeats and threads on each of its members. */
    public static final int MAX = 256;

    private final int count;
    /** Per group: its replicas, the preferred leader first. */
    private final List<List<String>> replicas;

    public Groups(Members members, Shards shards, int count, int replicasPerGroup) {
        if (count < 1 || count > Math.min(MAX, shards.count())) {
            throw new IllegalStateException(KEY + " is " + count + "; allowed: 1 to " + Math.min(MAX, shards.count())
                    + " (at most one group per shard, cairn.cluster.shards " + shards.count() + ")");
        }
        if (replicasPerGroup < 1) {
            throw new IllegalStateException("cairn.cluster.replicas is " + replicasPerGroup + "; allowed: 1 or more");
        }
        this.count = count;
        int perGroup = Math.min(replicasPerGroup, members.ids().size());
        Map<String, Integer> preferred = new HashMap<>();
        List<List<String>> all = new ArrayList<>();
        for (int g = 0; g < count; g++) {
            String key = "g" + g;
            List<String> ranked = members.ids().stream()
                    .sorted(Comparator.comparingLong((String id) -> weight(key, id)).reversed()
                            .thenComparing(Comparator.naturalOrder()))
                    .limit(perGroup)
                    .toList();
            String leader = ranked.stream().min(Comparator.comparingInt((String id) -> preferred.getOrDefault(id, 0))
                    .thenComparingInt(ranked::indexOf)).orElseThrow();
            preferred.merge(leader, 1, Integer::sum);
            List<String> ordered = new ArrayList<>(ranked);
            ordered.remove(leader);
            ordered.addFirst(leader);
            all.add(List.copyOf(ordered));
        }
        this.replicas = List.copyOf(all);
    }

    public int count() {
        return count;
    }

    public int groupOf(int shard) {
        return shard % count;
    }

    /** The lowest shard of {@code group} (every group has one: there are no more groups than shards). */
    public int firstShard(int group) {
        return group;
    }

    /** The members replicating {@code group}, its preferred leader first. */
    public List<String> replicas(int group) {
        return replicas.get(group);
    }

    public String preferredLeader(int group) {
        return replicas.get(group).getFirst();
    }

    /**
     * The weight of {@code memberId} for {@code key}: FNV-1a (64 bits) over the UTF-8 bytes of
     * {@code "<key>:<memberId>"}, then MurmurHash3's 64-bit finalizer so that every bit depends on
     * every input bit; compared as signed longs. Changing it moves groups: it is part of the format.
     */
    static long weight(String key, String memberId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (key + ":" + memberId).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The groups {@code member} replicates, in order. */
    public List<Integer> groupsOf(String member) {
        return IntStream.range(0, count).filter(g -> replicas.get(g).contains(member)).boxed().toList();
    }
}
