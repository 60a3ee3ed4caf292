package dev.cairn.storage.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Stateless: reads SQLite's write-ahead log (https://sqlite.org/walformat.html) the way SQLite's own
 * recovery does, so a follower ({@link ReplicaWriter}) and a rollback ({@link WalRollback}) see exactly
 * the transactions SQLite would. A WAL is a 32-byte header, then frames: a 24-byte header and one page.
 * A frame belongs to the log only when it carries the header's salts and continues the cumulative
 * checksum; the first frame that does not (a torn write, a frame left from before SQLite restarted the
 * log with new salts) is where the log ends. A transaction is complete at its commit frame, the one
 * that records the database size after it.
 */
final class WalFrames {
    static final int HEADER_BYTES = 32;
    static final int FRAME_HEADER_BYTES = 24;
    /** The header's magic number; its lowest bit set means checksums read big-endian words. */
    private static final int MAGIC = 0x377f0682;
    private static final int VERSION = 3007000;

    private WalFrames() {}

    /** What the next frame must match to belong to the log. */
    sealed interface Chain {
        int pageSize();

        /** The 8 salt bytes (header bytes 16-23, every frame's bytes 8-15) as one big-endian long. */
        long salts();

        default int frameBytes() {
            return FRAME_HEADER_BYTES + pageSize();
        }

        /** Known from the log's header: the next frame must carry these salts and continue this checksum. */
        record Checksummed(int pageSize, long salts, ByteOrder order, int sum1, int sum2) implements Chain {}

        /**
         * Known from a frame whose predecessors were not seen (the header and the checksum before it are
         * unknown): frames are matched on their salts alone.
         */
        record Salted(int pageSize, long salts) implements Chain {}
    }

    /** What reading one frame gave. */
    sealed interface Read permits Frame, Refused {}

    /** One frame, as a buffer of exactly its header and page, and the chain the frame after it must continue. */
    record Frame(ByteBuffer bytes, Chain after) implements Read {
        int pageNumber() {
            return bytes.getInt(0);
        }

        /** The database size in pages after the transaction this frame commits; 0 when it commits none. */
        long databasePages() {
            return Integer.toUnsignedLong(bytes.getInt(4));
        }

        boolean commits() {
            return bytes.getInt(4) != 0;
        }

        ByteBuffer page() {
            return bytes.slice(FRAME_HEADER_BYTES, bytes.capacity() - FRAME_HEADER_BYTES);
        }

        /** The same frame in a buffer of its own, for holding it beyond the life of the buffer it was read from. */
        Frame copy() {
            ByteBuffer own = ByteBuffer.allocate(bytes.capacity());
            own.put(0, bytes, 0, bytes.capacity());
            return new Frame(own, after);
        }
    }

    /** Not a frame of this log, and why. */
    record Refused(String why) implements Read {}

    /** Frames up to and including a commit frame, in log order; a page written twice counts as its last frame says. */
    record Transaction(List<Frame> frames) {
        long databasePages() {
            return frames.getLast().databasePages();
        }
    }

    /**
     * What {@link #scan} found: the transactions completed, the valid frames after the last of them (a
     * transaction whose commit frame is still to come), the chain after the last valid frame, how many
     * bytes the valid frames took and why reading stopped.
     */
    record Scan(List<Transaction> complete, List<Frame> open, Chain chain, int read, Stop stop) {}

    /** Why a scan stopped. */
    sealed interface Stop {
        /** The bytes ran out: what is left is shorter than a frame. */
        record Exhausted() implements Stop {}

        /** The next frame does not belong to the log. */
        record Invalid(String why) implements Stop {}
    }

    /** The chain the first frame continues, from a WAL's header at the start of {@code wal}; refuses bytes that are not one. */
    static Chain.Checksummed header(ByteBuffer wal) {
        if (wal.remaining() < HEADER_BYTES) {
            throw new IllegalArgumentException("a WAL starts with a " + HEADER_BYTES + "-byte header, got only "
                    + wal.remaining() + " bytes");
        }
        ByteBuffer h = wal.slice(wal.position(), HEADER_BYTES);
        int magic = h.getInt(0);
        if ((magic & ~1) != MAGIC) {
            throw new IllegalArgumentException(String.format(
                    "not a SQLite WAL header: magic number 0x%08x, expected 0x377f0682 or 0x377f0683", magic));
        }
        if (h.getInt(4) != VERSION) {
            throw new IllegalArgumentException("WAL format version " + h.getInt(4) + " is not supported, only " + VERSION);
        }
        int pageSize = h.getInt(8);
        if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("WAL header names page size " + pageSize
                    + ", expected a power of two from 512 to 65536");
        }
        ByteOrder order = (magic & 1) == 1 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        long sum = checksum(h, 0, 24, order, 0, 0);
        if (high(sum) != h.getInt(24) || low(sum) != h.getInt(28)) {
            throw new IllegalArgumentException("the WAL header's checksum does not match its content: the header is damaged");
        }
        return new Chain.Checksummed(pageSize, h.getLong(16), order, high(sum), low(sum));
    }

    /** The chain of the frame at the start of {@code frame}, taken from that frame alone (its salts). */
    static Chain.Salted salted(int pageSize, ByteBuffer frame) {
        if (frame.remaining() < FRAME_HEADER_BYTES) {
            throw new IllegalArgumentException("a WAL frame starts with a " + FRAME_HEADER_BYTES + "-byte header, got only "
                    + frame.remaining() + " bytes");
        }
        return new Chain.Salted(pageSize, frame.getLong(frame.position() + 8));
    }

    /** Reads {@code bytes}, exactly one frame long (absolute index 0 at its start), as the frame after {@code chain}. */
    static Read frame(ByteBuffer bytes, Chain chain) {
        if (bytes.getLong(8) != chain.salts()) {
            return new Refused("its salts are not those of the WAL generation it should continue"
                    + " (a frame left from before the WAL restarted, or not a WAL frame)");
        }
        if (bytes.getInt(0) == 0) {
            return new Refused("it names page 0, and pages are numbered from 1");
        }
        Chain after = switch (chain) {
            case Chain.Checksummed c -> {
                long sum = checksum(bytes, 0, 8, c.order(), c.sum1(), c.sum2());
                sum = checksum(bytes, FRAME_HEADER_BYTES, c.pageSize(), c.order(), high(sum), low(sum));
                if (high(sum) != bytes.getInt(16) || low(sum) != bytes.getInt(20)) {
                    yield null;
                }
                yield new Chain.Checksummed(c.pageSize(), c.salts(), c.order(), high(sum), low(sum));
            }
            case Chain.Salted s -> s;
        };
        if (after == null) {
            return new Refused("its checksum does not continue the WAL's (a torn or damaged write)");
        }
        return new Frame(bytes, after);
    }

    /**
     * Reads the whole frames at the start of {@code bytes} (its position is a frame boundary) after
     * {@code chain}. {@code open} are frames read before, of a transaction not yet complete: the first
     * transaction completed here starts with them. Returned frames are views of {@code bytes}.
     */
    static Scan scan(Chain chain, List<Frame> open, ByteBuffer bytes) {
        List<Transaction> complete = new ArrayList<>();
        List<Frame> frames = new ArrayList<>(open);
        int size = chain.frameBytes();
        int read = 0;
        while (bytes.remaining() - read >= size) {
            switch (frame(bytes.slice(bytes.position() + read, size), chain)) {
                case Refused r -> {
                    return new Scan(complete, List.copyOf(frames), chain, read, new Stop.Invalid(r.why()));
                }
                case Frame f -> {
                    frames.add(f);
                    chain = f.after();
                    read += size;
                    if (f.commits()) {
                        complete.add(new Transaction(List.copyOf(frames)));
                        frames.clear();
                    }
                }
            }
        }
        return new Scan(complete, List.copyOf(frames), chain, read, new Stop.Exhausted());
    }

    /**
     * SQLite's WAL checksum over {@code length} bytes (a multiple of 8) from {@code from}, continuing
     * the sums {@code s1, s2}: pairs of 32-bit words in {@code order}, with wrapping additions.
     * Returns both sums in one long (s1 high).
     */
    private static long checksum(ByteBuffer data, int from, int length, ByteOrder order, int s1, int s2) {
        ByteBuffer d = data.duplicate().order(order);
        for (int i = from; i < from + length; i += 8) {
            s1 += d.getInt(i) + s2;
            s2 += d.getInt(i + 4) + s1;
        }
        return ((long) s1 << 32) | Integer.toUnsignedLong(s2);
    }

    private static int high(long sums) {
        return (int) (sums >>> 32);
    }

    private static int low(long sums) {
        return (int) sums;
    }
}
