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
        long first8 = HexFormat.fromHexDigitsToLong(id.toString(), 0, 16);
        return (int) Long.remainderUnsigned(first8, count);
    }
}
