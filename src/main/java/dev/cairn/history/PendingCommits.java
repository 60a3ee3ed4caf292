package dev.cairn.history;

import dev.cairn.history.HistoryDirectory.Chapter;
import dev.cairn.storage.wal.ReplicaWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Owned by the object's thread, like its history: the commits whose WAL bytes are not yet copied into
 * the chapter's log, in the history directory's {@code pending} file. Each is 32 bytes there (number,
 * time, and where its bytes lie in the WAL) instead of a copy of its bytes: the copies are made
 * together, before SQLite checkpoints or closes the WAL (after which its next commit may write over
 * them), when a bookmark is handed out, or when a chapter begins; after a crash, from the WAL the next
 * open finds. Writing 32 bytes per commit rather than its pages is what keeps history cheap.
 *
 * <p>The file: the WAL's salts when the first entry was written (8 bytes; they change whenever SQLite
 * restarts the WAL, so entries of another generation are recognised), 24 bytes of zeros, then the
 * entries. Entries are only appended; emptied once copied.
 */
final class PendingCommits implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PendingCommits.class);
    private static final int ENTRY = 32;
    private static final int FILE_HEADER = 32;
    /** Where the salts are in a WAL's header. */
    private static final int WAL_SALTS = 16;

    /** One commit whose bytes are still only in the WAL, from {@code walStart} to {@code walEnd}. */
    record Commit(long commit, long timeMillis, long walStart, long walEnd) {
        long bytes() {
            return walEnd - walStart;
        }
    }

    /** The pending commits a file holds: the WAL generation they belong to, and the entries (a torn last one left out). */
    record Found(long salts, List<Commit> commits) {}

    private final Path path;
    private FileChannel channel;
    private final ByteBuffer entry = ByteBuffer.allocate(ENTRY);
    private int count;
    /** What the pending commits will add to the chapter's log once copied. */
    private long recordBytes;

    PendingCommits(Path path) {
        this.path = path;
    }

    int count() {
        return count;
    }

    long recordBytes() {
        return recordBytes;
    }

    /** Records that commit {@code commit}, made at {@code timeMillis}, lies between {@code start} and {@code end} of {@code wal}. */
    void add(long commit, long timeMillis, FileChannel wal, long start, long end) throws IOException {
        if (count == 0) {
            begin(wal);
        }
        entry.clear();
        entry.putLong(commit).putLong(timeMillis).putLong(start).putLong(end).flip();
        long at = FILE_HEADER + (long) count * ENTRY;
        while (entry.hasRemaining()) {
            at += channel.write(entry, at);
        }
        count++;
        recordBytes += ChapterLog.HEADER + end - start;
    }

    /** Starts a new file for the entries of {@code wal}'s current generation. */
    private void begin(FileChannel wal) throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        }
        ByteBuffer header = ByteBuffer.allocate(FILE_HEADER);
        header.putLong(salts(wal)).position(0);
        channel.truncate(0);
        while (header.hasRemaining()) {
            channel.write(header, header.position());
        }
    }

    /** The pending commits, oldest first. */
    List<Commit> read() throws IOException {
        return count == 0 ? List.of() : read(channel).commits().subList(0, count);
    }

    /** Forgets the pending commits (they were copied, or cannot be). */
    void clear() throws IOException {
        int listed = count;
        count = 0;
        recordBytes = 0;
        if (listed > 0) {
            channel.truncate(0); // if this fails, the next entry's header starts the file over anyway
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    /** What the pending list {@code file} holds; nothing when there is none. */
    static Found found(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(c);
        } catch (NoSuchFileException none) {
            return new Found(0, List.of());
        }
    }

    private static Found read(FileChannel c) throws IOException {
        long size = c.size();
        if (size < FILE_HEADER) {
            return new Found(0, List.of());
        }
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(size - (size - FILE_HEADER) % ENTRY));
        while (all.hasRemaining()) {
            if (c.read(all, all.position()) < 0) {
                break;
            }
        }
        all.flip();
        long salts = all.getLong();
        all.position(FILE_HEADER);
        List<Commit> commits = new ArrayList<>();
        while (all.remaining() >= ENTRY) {
            commits.add(new Commit(all.getLong(), all.getLong(), all.getLong(), all.getLong()));
        }
        return new Found(salts, commits);
    }

    /**
     * Copies into the last chapter the commits a process that died left pending, while the WAL still
     * holds them: the same generation, every byte committed. Otherwise their points are lost, not their
     * state (the next open begins a chapter from the file). Before a restore, and before the database opens.
     */
    static void copyLeftovers(Path file) throws IOException {
        Path pendingFile = HistoryDirectory.pending(HistoryDirectory.of(file));
        Found found = found(pendingFile);
        if (!found.commits().isEmpty()) {
            try {
                copy(file, found);
            } catch (IOException | RuntimeException e) {
                LOG.warnf(e, "history of %s: could not copy %d commits left pending at the last stop; they are kept as the"
                        + " state at the restart only", file, found.commits().size());
            }
        }
        Files.deleteIfExists(pendingFile);
    }

    private static void copy(Path file, Found found) throws IOException {
        List<Chapter> chapters = HistoryDirectory.chapters(HistoryDirectory.of(file));
        if (chapters.isEmpty()) {
            return;
        }
        Chapter last = chapters.getLast();
        List<ChapterLog.Entry> entries = ChapterLog.entries(last.log());
        long lastCommit = entries.isEmpty() ? last.commit() : entries.getLast().commit();
        // Entries already copied (the process died before it emptied the file) are skipped.
        List<Commit> left = found.commits().stream().filter(c -> c.commit() > lastCommit).toList();
        if (left.isEmpty() || !(entries.isEmpty() || entries.getLast().isCommit()) || !follow(left, lastCommit)) {
            return;
        }
        Path walFile = file.resolveSibling(file.getFileName() + "-wal");
        try (FileChannel w = FileChannel.open(walFile, StandardOpenOption.READ)) {
            if (salts(w) != found.salts() || left.getLast().walEnd() > ReplicaWriter.committedBytes(walFile)) {
                throw new IOException("the WAL no longer holds their bytes");
            }
            try (ChapterLog log = ChapterLog.reopen(last.log(), ChapterLog.end(entries))) {
                log.appendCommits(w, left);
            }
        }
    }

    /** Whether {@code commits} are numbered on from {@code after}, one by one. */
    private static boolean follow(List<Commit> commits, long after) {
        for (Commit c : commits) {
            if (c.commit() != ++after) {
                return false;
            }
        }
        return true;
    }

    /** The salts in {@code wal}'s header: which generation of the WAL it holds. */
    static long salts(FileChannel wal) throws IOException {
        ByteBuffer salts = ByteBuffer.allocate(8);
        while (salts.hasRemaining()) {
            if (wal.read(salts, WAL_SALTS + salts.position()) < 0) {
                throw new IOException("the WAL has no header");
            }
        }
        return salts.getLong(0);
    }
}
