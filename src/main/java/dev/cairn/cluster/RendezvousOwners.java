package dev.cairn.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Owners by rendezvous (highest random weight) hashing with a load bound: shard by shard, in order,
 * each member is ranked by {@link #weight}{@code (shard, memberId)} and the shard goes to the highest
 * ranked member that still has room: every member owns ⌊shards / members⌋ shards, and the first
 * {@code shards mod members} members to reach that own one more. The bound keeps the split even (a
 * plain rendezvous over 64 shards can give one of three members 40 %); the hash is fixed and
 * portable, so every node, JVM or native, computes the same table from the same configuration.
 * Computed once; immutable.
 */
public final class RendezvousOwners implements ShardOwners {
    private final String[] owners;

    public RendezvousOwners(Members members, Shards shards) {
        List<String> ids = members.ids();
        int floor = shards.count() / ids.size();
        int extra = shards.count() % ids.size();
        Map<String, Integer> owned = new HashMap<>();
        owners = new String[shards.count()];
        int above = 0; // members owning floor + 1 shards
        for (int shard = 0; shard < owners.length; shard++) {
            int s = shard;
            boolean roomAbove = above < extra;
            owners[shard] = ids.stream()
                    .filter(id -> owned.getOrDefault(id, 0) < floor || (roomAbove && owned.getOrDefault(id, 0) == floor))
                    .max(Comparator.comparingLong((String id) -> weight(s, id)).thenComparing(Comparator.reverseOrder()))
                    .orElseThrow();
            if (owned.merge(owners[shard], 1, Integer::sum) == floor + 1) {
                above++;
            }
        }
    }

    @Override
    public String ownerOf(int shard) {
        return owners[shard];
    }

    /** How many shards each member owns, for logs and tests. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new HashMap<>();
        Arrays.stream(owners).forEach(o -> counts.merge(o, 1L, Long::sum));
        return counts;
    }

    /**
     * The weight of {@code memberId} for {@code shard}: FNV-1a (64 bits) over the UTF-8 bytes of
     * {@code "<shard>:<memberId>"}, then MurmurHash3's 64-bit finalizer so that every bit depends on
     * every input bit; compared as signed longs. Changing it moves shards: it is part of the format.
     */
    static long weight(int shard, String memberId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (shard + ":" + memberId).getBytes(StandardCharsets.UTF_8)) {
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
}
