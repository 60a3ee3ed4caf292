package dev.cairn.storage.log;

import java.nio.ByteBuffer;

/**
 * The buffer one database builds its records in, reused: a direct buffer, so neither the WAL read
 * nor the segment write copies through a temporary one. Owned by the database's thread; a record
 * in it is not touched again before {@link CommitLog}'s append returns, which is after it was written.
 */
final class RecordBuffer {
    /** Larger records get a buffer of their own, not kept. */
    private static final int KEPT_BYTES = 64 << 10;
    private ByteBuffer kept;

    ByteBuffer take(int bytes) {
        if (bytes > KEPT_BYTES) {
            return ByteBuffer.allocate(bytes);
        }
        if (kept == null || kept.capacity() < bytes) {
            kept = ByteBuffer.allocateDirect(Math.max(bytes, 8 << 10));
        }
        return kept.clear().limit(bytes);
    }
}
