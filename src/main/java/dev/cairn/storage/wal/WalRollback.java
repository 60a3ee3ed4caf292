package dev.cairn.storage.wal;

import dev.cairn.storage.wal.WalFrames.Chain;
import dev.cairn.storage.wal.WalFrames.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Owned by the database's thread: takes a database file back to its committed transactions when its
 * WAL holds commits beyond them (commits whose replication failed). {@link #prepare} runs while the
 * SQLite connection is still open and idle; the caller then closes it, and {@link #restore} runs after.
 *
 * <p>Why in two steps: closing the last connection checkpoints the whole WAL into the database file,
 * the commits to drop included, and deletes the WAL; it may also not (another connection open, an
 * error). So {@code prepare} saves, while both are still intact, what {@code restore} needs either way:
 * the database file's pages that the commits to drop change (and, where they shrink the database, the
 * pages beyond their size), and the last committed version of each page from the WAL's committed frames.
 * {@code restore} writes the saved pages back, then the committed ones, sets the file to the committed
 * size and deletes the WAL and its index. This relies on the database file holding committed
 * transactions only before the close: SQLite's autocheckpoint is off and checkpoints run only after a
 * commit was acknowledged.
 */
public final class WalRollback {
    /** How much of the database's current WAL holds committed transactions. */
    public sealed interface Committed {
        /** None of it: the generation whose commits are known is another one, or none is known. */
        record Nothing() implements Committed {}

        /**
         * The generation whose salts are {@code salts} (the 8 bytes at 16-23 of the WAL header, big-endian;
         * the same bytes are at 32-39 of the {@code -shm} WAL-index header) up to byte {@code end}, the end
         * of a commit frame. Another generation in the WAL means nothing of it is committed.
         */
        record Through(long salts, long end) implements Committed {}
    }

    private final Path file;
    private final int pageSize;
    /** The database file's length before the close. */
    private final long sizeBefore;
    /** The database file's content, before the close, of the pages the commits to drop change or cut off. */
    private final Map<Integer, ByteBuffer> saved;
    /** The last version of each page in the WAL's committed frames, by page number (written in file order). */
    private final Map<Integer, ByteBuffer> committed;
    /** The database file's length after restoring. */
    private final long committedSize;

    private WalRollback(Path file, int pageSize, long sizeBefore, Map<Integer, ByteBuffer> saved,
            Map<Integer, ByteBuffer> committed, long committedSize) {
        this.file = file;
        this.pageSize = pageSize;
        this.sizeBefore = sizeBefore;
        this.saved = saved;
        this.committed = committed;
        this.committedSize = committedSize;
    }

    /**
     * Reads, while the connection is open and idle, what {@link #restore} needs. Refuses a committed end
     * that is not the end of a transaction in the WAL.
     */
    public static WalRollback prepare(Path databaseFile, Committed committed) throws IOException {
        Path wal = walOf(databaseFile);
        long sizeBefore = Files.size(databaseFile);
        try (FileChannel w = Files.exists(wal) ? FileChannel.open(wal, StandardOpenOption.READ) : null) {
            Chain chain = w == null ? null : header(w);
            if (chain == null) {
                // No WAL SQLite would read: it holds no commit, nothing needs restoring.
                return new WalRollback(databaseFile, 0, sizeBefore, Map.of(), Map.of(), sizeBefore);
            }
            long committedEnd = switch (committed) {
                case Committed.Nothing n -> WalFrames.HEADER_BYTES;
                case Committed.Through t -> t.salts() == chain.salts() ? t.end() : WalFrames.HEADER_BYTES;
            };
            if (committedEnd < WalFrames.HEADER_BYTES || (committedEnd - WalFrames.HEADER_BYTES) % chain.frameBytes() != 0) {
                throw new IllegalArgumentException("committed end " + committedEnd + " is not a frame boundary of " + wal
                        + " (32 + n * " + chain.frameBytes() + ")");
            }
            return read(databaseFile, w, chain, committedEnd, sizeBefore);
        }
    }

    /**
     * Reads the WAL's transactions from its first frame to where the log ends: those ending by
     * {@code committedEnd} are kept, the pages the others change are saved from the database file.
     */
    private static WalRollback read(Path databaseFile, FileChannel wal, Chain chain, long committedEnd, long sizeBefore)
            throws IOException {
        Map<Integer, ByteBuffer> committedPages = new TreeMap<>();
        long committedPageCount = -1;
        long lastCommittedEnd = WalFrames.HEADER_BYTES;
        TreeSet<Integer> changed = new TreeSet<>();
        long smallestDropped = Long.MAX_VALUE;
        List<Frame> transaction = new ArrayList<>();
        long at = WalFrames.HEADER_BYTES;
        for (Frame f; (f = nextFrame(wal, at, chain)) != null; ) {
            chain = f.after();
            at += chain.frameBytes();
            transaction.add(f);
            // Frames after the last commit frame are no transaction: SQLite never checkpoints them.
            if (!f.commits()) {
                continue;
            }
            if (at <= committedEnd) {
                transaction.forEach(t -> committedPages.put(t.pageNumber(), t.page()));
                committedPageCount = f.databasePages();
                lastCommittedEnd = at;
            } else {
                transaction.forEach(t -> changed.add(t.pageNumber()));
                smallestDropped = Math.min(smallestDropped, f.databasePages());
            }
            transaction.clear();
        }
        if (lastCommittedEnd != committedEnd) {
            throw new IllegalArgumentException("committed end " + committedEnd + " is not the end of a transaction in "
                    + walOf(databaseFile) + (lastCommittedEnd == WalFrames.HEADER_BYTES ? ""
                            : " (the last one ending by it ends at " + lastCommittedEnd + ")"));
        }
        int pageSize = chain.pageSize();
        long pagesBefore = sizeBefore / pageSize;
        // A dropped commit that shrank the database cut off pages the close's checkpoint may remove.
        for (long p = Math.min(smallestDropped, pagesBefore) + 1; p <= pagesBefore; p++) {
            changed.add((int) p);
        }
        Map<Integer, ByteBuffer> saved = new HashMap<>();
        try (DatabaseFile db = DatabaseFile.open(databaseFile, pageSize)) {
            for (int p : changed.headSet((int) Math.min(pagesBefore, Integer.MAX_VALUE), true)) {
                saved.put(p, db.readPage(p));
            }
        }
        long committedSize = committedPageCount < 0 ? sizeBefore : committedPageCount * pageSize;
        return new WalRollback(databaseFile, pageSize, sizeBefore, saved, committedPages, committedSize);
    }

    /**
     * After the connection closed: writes the saved pages back, then the committed ones, sets the file
     * to its committed size, makes it durable and deletes the WAL and its index.
     */
    public void restore() throws IOException {
        if (pageSize > 0) {
            try (DatabaseFile db = DatabaseFile.open(file, pageSize)) {
                db.resize(sizeBefore);
                for (var e : saved.entrySet()) {
                    db.writePage(e.getKey(), e.getValue());
                }
                for (var e : committed.entrySet()) {
                    db.writePage(e.getKey(), e.getValue());
                }
                db.resize(committedSize);
                db.force();
            }
        }
        boolean deleted = Files.deleteIfExists(walOf(file));
        deleted |= Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-shm"));
        if (deleted) {
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
    }

    /** The chain of the WAL's first frame, or null when the WAL holds no valid header (SQLite would ignore it too). */
    private static Chain header(FileChannel wal) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(WalFrames.HEADER_BYTES);
        if (!readFully(wal, h, 0)) {
            return null;
        }
        try {
            return WalFrames.header(h.flip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The frame at {@code at} if it continues {@code chain}; null where the log ends. */
    private static Frame nextFrame(FileChannel wal, long at, Chain chain) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(chain.frameBytes());
        if (!readFully(wal, bytes, at)) {
            return null;
        }
        return switch (WalFrames.frame(bytes, chain)) {
            case Frame f -> f;
            case WalFrames.Refused r -> null;
        };
    }

    /** Fills {@code into} from {@code at}; false when the file ends first. */
    private static boolean readFully(FileChannel c, ByteBuffer into, long at) throws IOException {
        while (into.hasRemaining()) {
            if (c.read(into, at + into.position()) < 0) {
                return false;
            }
        }
        return true;
    }

    private static Path walOf(Path databaseFile) {
        return databaseFile.resolveSibling(databaseFile.getFileName() + "-wal");
    }
}
