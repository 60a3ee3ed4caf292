package dev.cairn.history;

import dev.cairn.api.StorageException;
import dev.cairn.storage.CommitSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's sink with history: each database's commits go to the node's own sink ({@code durable}),
 * then to the database's {@link ObjectHistory}. A pending restore is carried out when a database
 * opens, before SQLite does. Thread-safe.
 */
final class HistorySink implements CommitSink {
    private final CommitSink durable;
    private final HistorySettings settings;
    private final InstantSource clock;
    /** The histories of the open databases, by absolute file. */
    private final Map<Path, ObjectHistory> open = new ConcurrentHashMap<>();

    HistorySink(CommitSink durable, HistorySettings settings, InstantSource clock) {
        this.durable = durable;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public Optional<Appender> appenderFor(Path databaseFile) {
        Path file = databaseFile.toAbsolutePath();
        try {
            PendingCommits.copyLeftovers(file);
            Restore.applyPending(file, durable, clock);
        } catch (IOException e) {
            throw new StorageException("cannot restore " + file + " to the bookmark asked for (it stays pending, and is tried"
                    + " again at the next start of the object): " + e.getMessage(), e);
        }
        Optional<Appender> inner = durable.appenderFor(file);
        try {
            ObjectHistory history = ObjectHistory.open(file, settings, clock, inner, closed -> open.remove(file, closed));
            open.put(file, history);
            return Optional.of(history);
        } catch (IOException | RuntimeException e) {
            inner.ifPresent(Appender::closed);
            throw new StorageException("cannot open the history of " + file + ": " + e.getMessage(), e);
        }
    }

    /** The history of the open database {@code file}; empty when it is not open. */
    Optional<ObjectHistory> of(Path file) {
        return Optional.ofNullable(open.get(file.toAbsolutePath()));
    }

    @Override
    public boolean keepsFiles() {
        return durable.keepsFiles();
    }

    @Override
    public void replacing(Path databaseFile) throws IOException {
        durable.replacing(databaseFile);
    }
}
