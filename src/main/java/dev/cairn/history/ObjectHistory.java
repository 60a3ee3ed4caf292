package dev.cairn.history;

import dev.cairn.api.StorageException;
import dev.cairn.history.HistoryDirectory.Chapter;
import dev.cairn.storage.AlarmChange;
import dev.cairn.storage.CommitSink;
import dev.cairn.storage.wal.ReplicaWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Owned by the object's thread, like its database: keeps the object's history while the database is
 * open, and answers its bookmarks.
 *
 * <p>Every commit the database hands to its {@link CommitSink} is numbered and timed (times never go
 * back, so bookmarks sort in time order) and listed as pending ({@link PendingCommits}); its WAL bytes
 * are copied into the current chapter's log in one go before SQLite checkpoints or closes the WAL, when
 * a bookmark is handed out, and when a chapter begins. A chapter begins with a copy of the database
 * file plus the WAL's committed bytes: replaying its records onto that copy gives the state after any
 * of them. A new chapter begins when the log has grown as large as the copy (so a restore replays at
 * most about one database's worth of records; at the next restart of the WAL, so that little WAL is
 * recorded with the copy), when the history could not be kept (a failed write), and at an open that
 * cannot take the history up where it stopped (the process died, or history was off meanwhile). A
 * chapter's copy is made durable before its name; the log when the database closes, not at each
 * commit: the commit itself is durable through the sink, and a killed process leaves the log, the
 * pending list and the WAL in the operating system's hands.
 *
 * <p>About 400 lines: commits, checkpoints and bookmarks all read and change one chapter's state (its
 * log, its pending commits, its starting point); the formats, the replay and the directory are apart
 * ({@link ChapterLog}, {@link PendingCommits}, {@link Restore}, {@link HistoryDirectory}).
 */
final class ObjectHistory implements CommitSink.Appender, Bookmarks {
    private static final Logger LOG = Logger.getLogger(ObjectHistory.class);
    /** A chapter's log grows to at least this before a new chapter copies the database. */
    static final long MIN_CHAPTER_BYTES = 1 << 20;
    /**
     * How far past due a chapter waits for the WAL to restart: several checkpoints' worth (a database
     * with a sink checkpoints once its WAL passes 4 MiB), so that only a WAL that never restarts is
     * recorded whole with a copy.
     */
    private static final long LATE_CHAPTER_BYTES = 16 << 20;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** Whether the history goes on from the current chapter. */
    enum State {
        /** The object has no data yet: its first commit begins a chapter from an empty file. */
        NEW_OBJECT,
        /** Commits are appended to the current chapter. */
        KEPT,
        /** A write of the history failed: the next commit begins a new chapter. */
        BROKEN
    }

    private final Path file;
    private final Path dir;
    /** This object's tag in its bookmarks. */
    private final String object;
    private final HistorySettings settings;
    private final InstantSource clock;
    private final Optional<CommitSink.Appender> delegate;
    private final Consumer<ObjectHistory> onClose;
    /** Commits of the current chapter whose bytes are still only in the WAL. */
    private final PendingCommits pending;
    /** The WAL of the pending commits (the database's; open until it closes). */
    private FileChannel wal;
    private State state;
    private ChapterLog log;
    /** The current chapter's starting point: its base file plus the WAL bytes recorded with it. */
    private long baseBytes;
    /** Where the current chapter's log holds its first commit after the starting point. */
    private long recordsFrom;
    private long lastCommit;
    private long lastTime;

    private ObjectHistory(Path file, HistorySettings settings, InstantSource clock, Optional<CommitSink.Appender> delegate,
            Consumer<ObjectHistory> onClose) {
        this.file = file;
        this.dir = HistoryDirectory.of(file);
        this.object = Bookmark.objectOf(file);
        this.settings = settings;
        this.clock = clock;
        this.delegate = delegate;
        this.onClose = onClose;
        this.pending = new PendingCommits(HistoryDirectory.pending(dir));
    }

    /**
     * The history of the database {@code file}, before SQLite opens it: taken up where it stopped when
     * the file is as the database left it at its last close, else begun with a new chapter now (when
     * the file holds anything). {@code onClose} is told when the database closes.
     */
    static ObjectHistory open(Path file, HistorySettings settings, InstantSource clock, Optional<CommitSink.Appender> delegate,
            Consumer<ObjectHistory> onClose) throws IOException {
        ObjectHistory h = new ObjectHistory(file, settings, clock, delegate, onClose);
        h.takeUp();
        return h;
    }

    private void takeUp() throws IOException {
        List<Chapter> chapters = HistoryDirectory.chapters(dir);
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        if (!chapters.isEmpty()) {
            Chapter last = chapters.getLast();
            List<ChapterLog.Entry> entries = ChapterLog.entries(last.log());
            ChapterLog.Entry tail = entries.isEmpty() ? null : entries.getLast();
            lastCommit = tail == null ? last.commit() : tail.commit();
            lastTime = tail == null ? last.timeMillis() : tail.timeMillis();
            if (tail != null && !tail.isCommit() && HistoryDirectory.sizeOf(wal) == 0
                    && ChapterLog.closedFile(last.log(), tail).equals(ChapterLog.ClosedFile.of(file))) {
                log = ChapterLog.reopen(last.log(), ChapterLog.end(entries));
                ChapterLog.Entry first = entries.getFirst();
                recordsFrom = first.isCommit() && first.commit() == last.commit() ? first.position() + first.length() : 0;
                baseBytes = HistoryDirectory.sizeOf(last.base()) + recordsFrom;
                state = State.KEPT;
                return;
            }
        }
        long walBytes = ReplicaWriter.committedBytes(wal);
        if (HistoryDirectory.sizeOf(file) == 0 && walBytes == 0) {
            state = State.NEW_OBJECT;
            return;
        }
        if (walBytes == 0) {
            beginChapter(++lastCommit, nextTime(), null, 0);
            return;
        }
        try (FileChannel w = FileChannel.open(wal, StandardOpenOption.READ)) {
            beginChapter(++lastCommit, nextTime(), w, walBytes);
        }
    }

    @Override
    public CompletionStage<Void> append(FileChannel wal, long start, long end, AlarmChange alarm) throws IOException {
        CompletionStage<Void> durable = delegate.isPresent() ? delegate.get().append(wal, start, end, alarm) : DONE;
        keep(wal, start, end);
        return durable;
    }

    @Override
    public CompletionStage<Void> appendNewFile(Path databaseFile, List<Path> createdDirectories, FileChannel wal, long end,
            AlarmChange alarm) throws IOException {
        // Relaxed durability (no sink) keeps its meaning: no fsync of a new file either.
        CompletionStage<Void> durable = delegate.isPresent()
                ? delegate.get().appendNewFile(databaseFile, createdDirectories, wal, end, alarm) : DONE;
        keep(wal, 0, end);
        return durable;
    }

    @Override
    public CommitSink.FailedCommits failedCommits() {
        return delegate.map(CommitSink.Appender::failedCommits).orElse(CommitSink.FailedCommits.KEPT);
    }

    /** Appends a commit's WAL bytes; a failure is logged and breaks the chapter, never the commit (it is durable already). */
    private void keep(FileChannel wal, long start, long end) {
        try {
            switch (state) {
                case NEW_OBJECT -> beginEmpty();
                case BROKEN -> {
                    beginChapter(++lastCommit, nextTime(), wal, end);
                    return;
                }
                case KEPT -> {}
            }
            if (start == 0 && pending.count() > 0) {
                throw new IOException("SQLite restarted the WAL before the bytes of " + pending.count() + " commits were copied");
            }
            long commit = ++lastCommit;
            long time = nextTime();
            this.wal = wal;
            pending.add(commit, time, wal, start, end);
            long records = log.size() + pending.recordBytes() - recordsFrom;
            // A chapter is due: it begins when the commit started a new WAL generation (SQLite restarted
            // the WAL after a checkpoint), so that the WAL bytes recorded with the copy are this commit's
            // only, not up to a checkpoint's worth; a WAL that does not restart soon is taken whole.
            if (records >= chapterBytes() && (start == 0 || records >= chapterBytes() + LATE_CHAPTER_BYTES)) {
                copyPending();
                beginChapter(commit, time, wal, end);
            }
        } catch (IOException | RuntimeException e) {
            broken(e, "could not keep commit " + lastCommit);
        }
    }

    /** Copies the pending commits' bytes from the WAL into the chapter's log. */
    private void copyPending() throws IOException {
        if (pending.count() > 0) {
            log.appendCommits(wal, pending.read());
            pending.clear();
        }
    }

    /** SQLite is about to checkpoint or close the WAL: the pending commits' bytes are copied while it still holds them. */
    @Override
    public void checkpointing(FileChannel checkpointed) {
        delegate.ifPresent(d -> d.checkpointing(checkpointed));
        if (state == State.KEPT) {
            try {
                copyPending();
            } catch (IOException | RuntimeException e) {
                broken(e, "could not copy " + pending.count() + " commits");
            }
        }
    }

    /** The history could not be kept: the next commit begins a new chapter (the state is safe: it is the database's). */
    private void broken(Exception e, String what) {
        LOG.warnf(e, "history of %s: %s; it goes on from a new chapter at the next commit", file, what);
        state = State.BROKEN;
        closeLog();
        try {
            pending.clear();
        } catch (IOException ignored) {
            // The next chapter begins from the file; entries left over are recognised as stale at the next open.
        }
    }

    /** How many bytes of commits a chapter's log takes before the next chapter begins: about its starting point's size, within half the budget. */
    private long chapterBytes() {
        return Math.max(1, Math.min(Math.max(MIN_CHAPTER_BYTES, baseBytes), settings.maxBytesPerObject() / 2));
    }

    /** A chapter holding the empty object, before its first commit: a bookmark can return to it. */
    private void beginEmpty() throws IOException {
        begin(++lastCommit, nextTime(), null, null, 0);
    }

    /** A chapter beginning with the state after commit {@code commit}: the database file plus {@code wal}'s first {@code walEnd} bytes. */
    private void beginChapter(long commit, long time, FileChannel wal, long walEnd) throws IOException {
        begin(commit, time, file, wal, walEnd);
    }

    /**
     * Writes a chapter (its base renamed into place last) and drops what is past the window or budget.
     * Logs are not forced here: like the current chapter's records, a machine crash may lose their last ones.
     */
    private void begin(long commit, long time, Path base, FileChannel wal, long walEnd) throws IOException {
        // A copy must be on disk before its name is: a restore from a named but incomplete copy would
        // build a damaged file. The empty chapter of a new object has nothing to lose: it is not forced,
        // so creating an object costs no fsync more (a machine crash may lose it, and history then begins later).
        boolean copied = base != null;
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            if (copied) {
                HistoryDirectory.force(dir.getParent());
            }
        }
        Chapter c = HistoryDirectory.chapter(dir, commit, time);
        Path temporary = c.base().resolveSibling(c.base().getFileName() + ".tmp");
        if (copied) {
            Files.copy(base, temporary, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel t = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                t.force(true);
            }
        } else {
            Files.deleteIfExists(temporary);
            Files.createFile(temporary);
        }
        ChapterLog next = ChapterLog.create(c.log());
        try {
            if (walEnd > 0) {
                next.appendCommit(commit, time, wal, 0, walEnd);
            }
            Files.move(temporary, c.base(), StandardCopyOption.ATOMIC_MOVE);
            if (copied) {
                HistoryDirectory.force(dir);
            }
        } catch (IOException | RuntimeException e) {
            next.close();
            throw e;
        }
        closeLog();
        log = next;
        recordsFrom = next.size();
        baseBytes = HistoryDirectory.sizeOf(c.base()) + recordsFrom;
        state = State.KEPT;
        lastCommit = commit;
        lastTime = time;
        HistoryDirectory.prune(dir, clock.millis() - settings.window().toMillis(), settings.maxBytesPerObject());
    }

    /** The next commit's time: the clock's, but never before the last one's, so that bookmarks sort in time order. */
    private long nextTime() {
        lastTime = Math.max(lastTime, clock.millis());
        return lastTime;
    }

    @Override
    public void closed() {
        try {
            // Pending commits at a close were not copied before the WAL went: the next open begins a new chapter.
            if (log != null && state == State.KEPT && pending.count() == 0) {
                log.appendClosed(lastCommit, lastTime, ChapterLog.ClosedFile.of(file));
                log.force();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "history of %s: could not record its close; the next open begins a new chapter", file);
        } finally {
            closeLog();
            try {
                pending.close();
            } catch (IOException ignored) {
                // Its entries were copied, or are recognised as stale at the next open.
            }
            onClose.accept(this);
            delegate.ifPresent(CommitSink.Appender::closed);
        }
    }

    private void closeLog() {
        if (log != null) {
            try {
                log.close();
            } catch (IOException ignored) {
                // A failed close of a log that was forced, or broken anyway: the next open starts a chapter.
            }
            log = null;
        }
    }

    @Override
    public String current() {
        try {
            switch (state) {
                case NEW_OBJECT -> beginEmpty();
                case BROKEN -> {}
                case KEPT -> copyPending();
            }
        } catch (IOException | RuntimeException e) {
            broken(e, "could not copy the commits before a bookmark");
        }
        if (state == State.BROKEN) {
            throw new StorageException("the history of this object could not be kept (see the service's log);"
                    + " it goes on at the object's next commit", null, true);
        }
        return new Bookmark(Math.max(lastTime, clock.millis()), lastCommit, object).toString();
    }

    @Override
    public String forTime(Instant time) {
        long now = clock.millis();
        long at = time.toEpochMilli();
        if (at > now) {
            throw new IllegalArgumentException("cannot bookmark " + time + ": it is in the future (now is " + Instant.ofEpochMilli(now) + ")");
        }
        checkWindow(at, now, "bookmark " + time);
        if (state == State.KEPT) {
            try {
                copyPending();
            } catch (IOException | RuntimeException e) {
                broken(e, "could not copy the commits before a bookmark");
            }
        }
        try {
            OptionalLong commit = Restore.commitAt(HistoryDirectory.chapters(dir), at);
            if (commit.isEmpty()) {
                throw new IllegalArgumentException("cannot bookmark " + time + ": this object's kept history begins later, at "
                        + oldestKept() + " (history begins at an object's first commit with history on; older history is removed"
                        + " past cairn.storage.history.window and cairn.storage.history.max-bytes-per-object)");
            }
            return new Bookmark(at, commit.getAsLong(), object).toString();
        } catch (IOException e) {
            throw new StorageException("cannot read the history of this object: " + e.getMessage(), e);
        }
    }

    @Override
    public String restoreOnNextStart(String bookmark) {
        Bookmark target = Bookmark.parse(bookmark);
        if (!target.object().equals(object)) {
            throw new IllegalArgumentException("cannot restore to " + bookmark + ": it is a bookmark of another object (its last"
                    + " group, " + target.object() + ", is the start of that object's id; this object's bookmarks end in " + object + ")");
        }
        checkWindow(target.timeMillis(), clock.millis(), "restore to " + bookmark);
        try {
            if (Restore.locate(HistoryDirectory.chapters(dir), target).isEmpty()) {
                throw new IllegalArgumentException("cannot restore to " + bookmark + ": it is not a point of this object's kept"
                        + " history, which begins at " + oldestKept() + " and ends at " + new Bookmark(lastTime, lastCommit, object)
                        + " (bookmarks are the object's own, from getCurrentBookmark or getBookmarkForTime)");
            }
            String undo = current();
            HistoryDirectory.requestRestore(dir, target);
            return undo;
        } catch (IOException e) {
            throw new StorageException("cannot record the restore of this object: " + e.getMessage(), e);
        }
    }

    private void checkWindow(long at, long now, String what) {
        if (at < now - settings.window().toMillis()) {
            throw new IllegalArgumentException("cannot " + what + ": it is older than the history kept, "
                    + settings.window().toDays() + " days (cairn.storage.history.window); the oldest point is "
                    + Instant.ofEpochMilli(now - settings.window().toMillis()));
        }
    }

    private String oldestKept() throws IOException {
        List<Chapter> chapters = HistoryDirectory.chapters(dir);
        return chapters.isEmpty() ? "(no history yet)" : chapters.getFirst().bookmark(object) + " (" + chapters.getFirst().bookmark(object).time() + ")";
    }
}
