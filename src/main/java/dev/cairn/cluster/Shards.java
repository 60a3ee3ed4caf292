package dev.cairn.cluster;

import dev.cairn.api.ObjectId;
import java.util.HexFormat;

/**
 * The fixed number of shards objects are spread over, and which shard an object is in: the first 8
 * bytes of its 32-byte id as an unsigned big-endian number, modulo the count. Named ids are HMACs of
 * the name and unique ids random, so both spread evenly. Immutable.
 */
public record Shards(int count) {
    static final String KEY = "cairn.cluster.shards";
    public static final int MAX = 4096;

    /** @throws IllegalStateException naming {@code cairn.cluster.shards} when {@code count} is not 1 to {@value #MAX} */
    public Shards {
        if (count < 1 || count > MAX) {
            throw new IllegalStateException(KEY + ": must be 1 to " + MAX + ", got " + count);
        }
    }

    public int shardOf(ObjectId id) {
        return shardOf(id.toString());
    }

    /** The shard of the object whose id is {@code hex} (its 64 hex digits, as in its database file's name). */
    public int shardOf(String hex) {
        long first8 = HexFormat.fromHexDigitsToLong(hex, 0, 16);
        return (int) Long.remainderUnsigned(first8, count);
    }
}
