package dev.cairn.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where a commit becomes durable. SQLite's COMMIT only hands the WAL write to the operating system
 * ({@code synchronous=NORMAL}: a JNI call pins the virtual thread's carrier, so no fsync should happen
 * inside one); the object's database then gives the bytes that commit appended to the WAL to its
 * {@link Appender} and waits on what it returns. The node-wide commit log is one sink; {@link #RELAXED}
 * durability needs none; a replicated log can be another. Implementations are thread-safe.
 */
public interface CommitSink {
    /** Relaxed durability: a commit counts once the operating system has the WAL write (it survives a killed process, not a power cut). */
    CommitSink RELAXED = file -> Optional.empty();

    /** The appender of one database file, or none when commits need nothing beyond SQLite's own write. Called once per opened database. */
    Optional<Appender> appenderFor(Path databaseFile);

    /** One database's way into the sink. Owned by that database's thread. */
    interface Appender {
        /**
         * Hands over the {@code length} bytes at {@code offset} of {@code wal}; they are durable when
         * the returned stage completes. (The commit log completes it before returning: its callers
         * write and fsync themselves, so a busy object pays no thread hand-off.)
         */
        CompletionStage<Void> append(FileChannel wal, long offset, int length) throws IOException;
    }
}
