package dev.cairn.history;

import dev.cairn.api.StorageException;
import dev.cairn.storage.CommitSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * The node's point-in-time recovery, the entry point of this package: every object's commits kept
 * as history (see {@link ObjectHistory}) for a window and within a disk budget, and each object's
 * {@link Bookmarks}. Thread-safe.
 */
public final class History {
    private final HistorySettings settings;
    private final InstantSource clock;
    /** Why there is no history on this node; null when there is. */
    private final String off;
    private volatile HistorySink sink;

    private History(HistorySettings settings, InstantSource clock, String off) {
        this.settings = settings;
        this.clock = clock;
        this.off = off;
    }

    /** History kept as {@code settings} say (none when they switch it off). */
    public static History kept(HistorySettings settings, InstantSource clock) {
        return new History(settings, clock, settings.enabled() ? null : "cairn.storage.history.enabled is false");
    }

    /** No history, for the reason given (said to whoever asks for a bookmark). */
    public static History off(String why) {
        return new History(null, null, why);
    }

    /** The sink through which commits reach {@code durable} and then the history; {@code durable} itself when history is off. Called once. */
    public CommitSink over(CommitSink durable) {
        if (off != null) {
            return durable;
        }
        sink = new HistorySink(durable, settings, clock);
        return sink;
    }

    /** The bookmarks of the object whose database {@code file} is open (on its thread, while an event runs). */
    public Bookmarks of(Path file) {
        if (off != null || sink == null) {
            throw new StorageException("point-in-time recovery is off on this node: " + (off == null ? "no history is kept" : off), null);
        }
        return sink.of(file).orElseThrow(() -> new IllegalStateException("the database " + file + " is not open"));
    }

    /** Whether a restore of {@code file} waits for the database to open. */
    public boolean restorePending(Path file) {
        return off == null && HistoryDirectory.restorePending(HistoryDirectory.of(file.toAbsolutePath()));
    }

    /** Removes the history of a deleted object, whose database is closed. */
    public void remove(Path file) {
        try {
            HistoryDirectory.remove(HistoryDirectory.of(file.toAbsolutePath()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the history of " + file + ": " + e.getMessage(), e);
        }
    }
}
