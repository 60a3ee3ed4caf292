package dev.cairn.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a commit becomes durable. SQLite's COMMIT only hands the WAL write to the operating system
 * ({@code synchronous=NORMAL}: a JNI call pins the virtual thread's carrier, so no fsync should happen
 * inside one); the object's database then gives the bytes that commit appended to the WAL to its
 * {@link Appender} and waits on what it returns. The node-wide commit log is one sink; {@link #RELAXED}
 * durability needs none; a cluster's replicated log is another. Implementations are thread-safe.
 */
public interface CommitSink {
    /** Relaxed durability: a commit counts once the operating system has the WAL write (it survives a killed process, not a power cut). */
    CommitSink RELAXED = file -> Optional.empty();

    /** The appender of one database file, or none when commits need nothing beyond SQLite's own write. Called once per opened database. */
    Optional<Appender> appenderFor(Path databaseFile);

    /**
     * Whether the sink keeps the database files as its own copies (a replicated cluster's groups): a
     * deleted object's emptied file then stays, for the sink to keep in step with the other members.
     */
    default boolean keepsFiles() {
        return false;
    }

    /**
     * The closed database {@code databaseFile} is about to be replaced by another file (a restore of its
     * history): returns once nothing the sink holds of the old file can be written back into the new
     * one's WAL. The commit log retires its segments; a sink that holds nothing needs do nothing.
     */
    default void replacing(Path databaseFile) throws IOException {}

    /** What becomes of a commit whose bytes the sink could not make durable. */
    enum FailedCommits {
        /** It stays in the file (the caller is told it was not saved): the file is the only copy. */
        KEPT,
        /**
         * It is undone when the database closes: copies elsewhere are built from what the sink made
         * durable, so the file may hold nothing else. SQLite never checkpoints on its own: the
         * database file holds only durable commits, and the WAL's frames past the last durable commit
         * can be dropped.
         */
        ROLLED_BACK
    }

    /** One database's way into the sink. Owned by that database's thread, except {@link #closed}. */
    interface Appender {
        /**
         * Hands over the bytes from {@code start} to {@code end} of {@code wal}: everything commits
         * appended since the last call, or a new WAL generation from its header ({@code start} 0).
         * They are durable when the returned stage completes. (The commit log completes it before
         * returning: its callers write and fsync themselves, so a busy object pays no thread hand-off.)
         * {@code alarm}: what those commits did to the object's alarm.
         */
        CompletionStage<Void> append(FileChannel wal, long start, long end, AlarmChange alarm) throws IOException;

        /**
         * The first commit of a new database file: its WAL up to {@code end}, and the file itself,
         * whose name (in {@code createdDirectories}, outermost last) must become durable too. A local
         * sink fsyncs them: no record of the file can be older.
         */
        default CompletionStage<Void> appendNewFile(Path databaseFile, List<Path> createdDirectories, FileChannel wal, long end,
                AlarmChange alarm) throws IOException {
            wal.force(false);
            force(databaseFile);
            for (Path dir : createdDirectories) {
                force(dir);
            }
            return CompletableFuture.completedFuture(null);
        }

        private static void force(Path fileOrDirectory) throws IOException {
            try (FileChannel c = FileChannel.open(fileOrDirectory, StandardOpenOption.READ)) {
                c.force(true);
            }
        }

        default FailedCommits failedCommits() {
            return FailedCommits.KEPT;
        }

        /**
         * SQLite is about to checkpoint {@code wal} (its next commit may then write it over from its
         * start) or to close the database (which checkpoints and removes it): an appender that reads
         * commits' bytes after {@link #append} returned reads them now. On the database's thread, or
         * the one closing it. A failure is the appender's to handle: the database goes on.
         */
        default void checkpointing(FileChannel wal) {}

        /** The database's connection closed (any thread; after the rollback, when one was due). */
        default void closed() {}
    }
}
