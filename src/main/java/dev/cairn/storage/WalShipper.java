package dev.cairn.storage;

import dev.cairn.api.CairnException;
import dev.cairn.storage.wal.WalRollback;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Owned by the object's thread, like its database: makes the database's commits durable through
 * its {@link CommitSink.Appender}.
 *
 * <p>Which bytes a commit appended: the WAL-index header in the {@code -shm} file (SQLite's documented
 * WAL-index format) gives the frames now committed and the WAL's salts; new salts mean SQLite
 * restarted the WAL from its beginning after a checkpoint, so the range starts at 0 again. Every byte
 * SQLite writes to the WAL is thus handed to the sink before the reply, which is what makes the commit
 * log's recovery safe. The first commit of a new file goes to the sink with the file itself: its name
 * must reach the disk too, and no record of it can be older.
 */
final class WalShipper {
    /**
     * WAL size past which the database checkpoints after a durable commit (SQLite's own automatic
     * checkpoint, which a database with a sink turns off, runs at 1,000 pages).
     */
    private static final long CHECKPOINT_BYTES = 4 << 20;

    /** Whether every commit handed to the sink became durable. */
    enum State {
        DURABLE,
        /** A commit could not be made durable: with {@link CommitSink.FailedCommits#ROLLED_BACK}, the file is rolled back at close. */
        FAILED
    }

    private final Path file;
    private final CommitSink.Appender appender;
    /** Directories created with this file: their entries must reach the disk with the first commit. */
    private List<Path> unsyncedDirectories;
    private FileChannel wal;
    /**
     * The start of the WAL-index ({@code -shm}), mapped: read after each commit without a system call.
     * SQLite maps the same file, and only a first connection truncates it, never while this one is
     * open. The arena is confined to the object's thread, which releases the mapping before the
     * database closes ({@link #releaseWalIndex}).
     */
    private ByteBuffer walIndex;
    private Arena walIndexArena;
    /** The WAL-index header when the WAL was last made durable (its end and generation); null when unknown. */
    private WalIndexHeader durableWal;
    private State state = State.DURABLE;

    WalShipper(Path file, List<Path> createdDirectories, CommitSink.Appender appender) {
        this.file = file;
        this.unsyncedDirectories = createdDirectories;
        this.appender = appender;
    }

    /**
     * Blocks the calling virtual thread, without pinning its carrier, until every commit so far is
     * durable. Returns whether the sink took any bytes (a transaction that changed nothing writes none).
     */
    boolean ship(AlarmChange alarm) throws IOException {
        WalIndexHeader header = WalIndexHeader.read(walIndex());
        // Without a header of the layout this code knows, the whole WAL is shipped: it always holds its newest bytes.
        long end = header == null ? wal().size() : header.walBytes();
        boolean sameGeneration = header != null && durableWal != null && header.salts() == durableWal.salts()
                && end >= durableWal.walBytes();
        long start = sameGeneration ? durableWal.walBytes() : 0;
        boolean shipped = !unsyncedDirectories.isEmpty() || start < end;
        try {
            if (!unsyncedDirectories.isEmpty()) {
                awaitDurable(appender.appendNewFile(file, unsyncedDirectories, wal(), end, alarm));
                unsyncedDirectories = List.of();
            } else if (start < end) {
                awaitDurable(appender.append(wal(), start, end, alarm));
            }
        } catch (IOException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
        durableWal = header;
        return shipped;
    }

    /** After a durable commit: whether the WAL grew past the size at which a database that checkpoints by itself would. */
    boolean checkpointDue() {
        return durableWal != null && durableWal.walBytes() > CHECKPOINT_BYTES;
    }

    /** The database is about to checkpoint: the appender's last chance to read the WAL as it is. */
    void checkpointing() throws IOException {
        appender.checkpointing(wal());
    }

    /**
     * Closes the database with {@code closeConnection}, its file first rolled back to its durable
     * commits when one could not be made durable and the sink wants such commits undone (what the
     * rollback needs is read while the connection is still open; SQLite may checkpoint at close).
     * Then releases Cairn's own handle and tells the appender, whatever happened.
     *
     * @throws IOException when the rollback could not be read or written
     */
    void close(Runnable closeConnection) throws IOException {
        try {
            Optional<WalRollback> rollback = state == State.FAILED && appender.failedCommits() == CommitSink.FailedCommits.ROLLED_BACK
                    ? Optional.of(WalRollback.prepare(file, durableWal == null
                            ? new WalRollback.Committed.Nothing()
                            : new WalRollback.Committed.Through(durableWal.salts(), durableWal.walBytes())))
                    : Optional.empty();
            if (wal != null) {
                appender.checkpointing(wal); // closing checkpoints and removes the WAL
            }
            closeConnection.run();
            if (rollback.isPresent()) {
                rollback.get().restore();
            }
        } finally {
            releaseWal();
        }
    }

    /** Waits (a virtual thread unmounts) until the sink says the bytes are durable. */
    private static void awaitDurable(CompletionStage<Void> durable) throws IOException {
        try {
            durable.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof CairnException c) {
                throw c; // the sink's own account of the failure (a replicated sink: leadership lost)
            }
            throw new IOException("the commit could not be made durable: " + e.getCause(), e.getCause());
        }
    }

    private FileChannel wal() throws IOException {
        if (wal == null) {
            wal = FileChannel.open(file.resolveSibling(file.getFileName() + "-wal"), StandardOpenOption.READ);
        }
        return wal;
    }

    /** The mapped WAL-index header, or null when the {@code -shm} file is not (yet) of a size that holds one. */
    private ByteBuffer walIndex() throws IOException {
        if (walIndex == null) {
            try (FileChannel shm = FileChannel.open(file.resolveSibling(file.getFileName() + "-shm"), StandardOpenOption.READ)) {
                if (shm.size() < WalIndexHeader.BYTES) {
                    return null;
                }
                Arena arena = Arena.ofConfined();
                // Read as a ByteBuffer: a segment's own accessors need var handles, which the native image lacks.
                walIndex = shm.map(FileChannel.MapMode.READ_ONLY, 0, WalIndexHeader.BYTES, arena).asByteBuffer()
                        .order(ByteOrder.nativeOrder());
                walIndexArena = arena;
            }
        }
        return walIndex;
    }

    /** Unmaps the WAL-index; on the object's thread (which mapped it), before {@link #close()}. */
    void releaseWalIndex() {
        if (walIndexArena != null) {
            walIndex = null;
            walIndexArena.close();
            walIndexArena = null;
        }
    }

    /** After the connection closed (any thread): forces and closes Cairn's own handle on the WAL; tells the appender. */
    private void releaseWal() {
        if (wal == null) {
            appender.closed();
            return;
        }
        try {
            // The commit log's flusher may still mean to fsync this WAL; once closed, it relies on this.
            wal.force(false);
        } catch (IOException ignored) {
            // Closing checkpointed and removed the WAL (its content is in the fsynced database file).
        }
        try {
            wal.close();
        } catch (IOException ignored) {
            // A read-only descriptor: closing it cannot lose data.
        }
        appender.closed();
    }

    /**
     * The first 96 bytes of the {@code -shm} file: two copies of the WAL-index header
     * (https://sqlite.org/walformat.html), in the machine's byte order. Read right after our own
     * commit, so both copies agree.
     */
    private record WalIndexHeader(long walBytes, long salts) {
        static final int BYTES = 96;
        private static final int VERSION = 3007000;

        static WalIndexHeader read(ByteBuffer shm) {
            if (shm == null || shm.getInt(0) != VERSION || shm.get(12) != 1
                    || !shm.slice(0, 48).equals(shm.slice(48, 48))) {
                return null;
            }
            int pageSize = Short.toUnsignedInt(shm.getShort(14));
            if (pageSize == 1) {
                pageSize = 65536;
            }
            long frames = Integer.toUnsignedLong(shm.getInt(16));
            long walBytes = frames == 0 ? 0 : 32 + frames * (pageSize + 24);
            // The salts as the WAL header holds them (big-endian), as WalRollback compares them.
            return new WalIndexHeader(walBytes, shm.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(32));
        }
    }
}
