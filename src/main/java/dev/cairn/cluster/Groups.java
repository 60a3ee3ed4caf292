package dev.cairn.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * How shards are spread over Raft groups, and each group over members. Shard {@code s} belongs to
 * group {@code s mod count}; a group is replicated on the {@code replicas} members ranked highest by
 * rendezvous {@link #weight weight} of {@code ("g" + group, member)}, so adding a
 * member moves few groups. Each group's preferred leader is one of its replicas, chosen group by group
 * among those preferred least so far, so leadership is spread evenly; Raft elects any replica, and the
 * leader hands the group to the preferred one once it is up (LeadershipBalancer). Every node computes
 * the same layout from the same configuration. Immutable.
 */
public final class Groups {
    static final String KEY = "cairn.cluster.groups";
    /** Most groups per cluster: each costs a Raft log, heartbeats and threads on each of its members. */
    public static final int MAX = 256;
    /**
     * Groups per member when {@value #KEY} is unset. Two spread leadership evenly, also after a member
     * fails, at a small idle cost; each more costs throughput, since every group's leader syncs its own
     * log: a one-member cluster under 48 connections over 1,000 counters committed about 8,000
     * increments/s with 1 or 2 groups and 4,400 with 6 (2026-12-06, docs/cluster.md).
     */
    public static final int PER_MEMBER = 2;

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
        // Bounded load: no member holds more than its share of replicas, rounded up.
        int most = Math.ceilDiv(count * perGroup, members.ids().size());
        Map<String, Integer> held = new HashMap<>();
        List<List<String>> ranked = new ArrayList<>();
        for (int g = 0; g < count; g++) {
            String key = "g" + g;
            // By rank, those with room first (the last groups may find fewer with room than they need).
            List<String> replicas = members.ids().stream()
                    .sorted(Comparator.comparing((String id) -> held.getOrDefault(id, 0) >= most)
                            .thenComparing(Comparator.comparingLong((String id) -> weight(key, id)).reversed())
                            .thenComparing(Comparator.naturalOrder()))
                    .limit(perGroup)
                    .toList();
            replicas.forEach(id -> held.merge(id, 1, Integer::sum));
            ranked.add(replicas);
        }
        String[] leaders = preferredLeaders(ranked, Math.ceilDiv(count, members.ids().size()));
        List<List<String>> all = new ArrayList<>();
        for (int g = 0; g < count; g++) {
            List<String> ordered = new ArrayList<>(ranked.get(g));
            ordered.remove(leaders[g]);
            ordered.addFirst(leaders[g]);
            all.add(List.copyOf(ordered));
        }
        this.replicas = List.copyOf(all);
    }

    /**
     * A preferred leader per group among its replicas, none preferred for more than {@code most}
     * groups when that is possible: groups take their best-ranked replica with room, and a group that
     * finds none moves an earlier group to another of its replicas (augmenting paths, as in bipartite
     * matching); a group left over takes its first replica.
     */
    private static String[] preferredLeaders(List<List<String>> ranked, int most) {
        String[] leaders = new String[ranked.size()];
        Map<String, List<Integer>> leading = new HashMap<>();
        for (int g = 0; g < ranked.size(); g++) {
            if (!assign(g, ranked, leaders, leading, most, new HashSet<>())) {
                leaders[g] = ranked.get(g).getFirst();
                leading.computeIfAbsent(leaders[g], k -> new ArrayList<>()).add(g);
            }
        }
        return leaders;
    }

    private static boolean assign(int g, List<List<String>> ranked, String[] leaders, Map<String, List<Integer>> leading, int most,
            Set<String> visited) {
        for (String m : ranked.get(g)) {
            List<Integer> led = leading.computeIfAbsent(m, k -> new ArrayList<>());
            if (led.size() < most) {
                led.add(g);
                leaders[g] = m;
                return true;
            }
        }
        for (String m : ranked.get(g)) {
            if (!visited.add(m)) {
                continue;
            }
            for (int other : List.copyOf(leading.get(m))) {
                leading.get(m).remove(Integer.valueOf(other));
                if (assign(other, ranked, leaders, leading, most, visited)) {
                    leading.get(m).add(g);
                    leaders[g] = m;
                    return true;
                }
                leading.get(m).add(other);
            }
        }
        return false;
    }

    /** {@link #PER_MEMBER} groups per member, at most one per shard and at most {@link #MAX}. */
    public static int defaultCount(Members members, Shards shards) {
        return Math.min(PER_MEMBER * members.ids().size(), Math.min(MAX, shards.count()));
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
