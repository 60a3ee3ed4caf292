package dev.cairn.history;

import dev.cairn.history.HistoryDirectory.Chapter;
import dev.cairn.storage.CommitSink;
import dev.cairn.storage.wal.ReplicaWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * A pending restore, carried out before the database opens: the state at the bookmark is rebuilt
 * beside the file (the chapter's base, its records replayed as a checkpoint would write their pages),
 * the sink lets go of the old file, the rebuilt file replaces it, and a new chapter begins with it.
 * The old state stays in the history, so a restore is undone by restoring the bookmark taken before it.
 * Every step can be repeated: a restore cut short by a crash is done again at the next open. Stateless.
 */
final class Restore {
    private static final Logger LOG = Logger.getLogger(Restore.class);
    /** Contiguous records are replayed together, up to this many bytes at a time. */
    private static final int REPLAY_BYTES = 16 << 20;

    /** Where a bookmark's state is: a chapter, and the records to replay onto its base (the last one the bookmark's commit). */
    record Plan(Chapter chapter, List<ChapterLog.Entry> replay) {}

    private Restore() {}

    /** The plan for {@code target}, or empty when it is not a point of the kept history. */
    static Optional<Plan> locate(List<Chapter> chapters, Bookmark target) throws IOException {
        for (Chapter c : chapters.reversed()) {
            if (c.commit() > target.commit()) {
                continue;
            }
            List<ChapterLog.Entry> replay = new ArrayList<>();
            ChapterLog.Entry last = null;
            for (ChapterLog.Entry e : ChapterLog.entries(c.log())) {
                if (e.commit() > target.commit()) {
                    break;
                }
                if (e.isCommit()) {
                    replay.add(e);
                    last = e;
                }
            }
            // A bookmark's time is when its state was current: at or after the commit that made it.
            boolean found = c.commit() == target.commit() ? c.timeMillis() <= target.timeMillis()
                    : last != null && last.commit() == target.commit() && last.timeMillis() <= target.timeMillis();
            return found ? Optional.of(new Plan(c, replay)) : Optional.empty();
        }
        return Optional.empty();
    }

    /** The last commit at or before {@code atMillis} (a chapter's start counts as its commit); empty when the history begins later. */
    static OptionalLong commitAt(List<Chapter> chapters, long atMillis) throws IOException {
        OptionalLong found = OptionalLong.empty();
        for (Chapter c : chapters) {
            if (c.timeMillis() > atMillis) {
                break;
            }
            found = OptionalLong.of(c.commit());
            for (ChapterLog.Entry e : ChapterLog.entries(c.log())) {
                if (e.timeMillis() > atMillis) {
                    break;
                }
                if (e.isCommit()) {
                    found = OptionalLong.of(e.commit());
                }
            }
        }
        return found;
    }

    /** Carries out the restore pending for {@code file}, if any. */
    static void applyPending(Path file, CommitSink sink, InstantSource clock) throws IOException {
        Path dir = HistoryDirectory.of(file);
        Optional<Bookmark> pending = HistoryDirectory.pendingRestore(dir);
        if (pending.isEmpty()) {
            return;
        }
        List<Chapter> chapters = HistoryDirectory.chapters(dir);
        Optional<Plan> plan = locate(chapters, pending.get());
        if (plan.isEmpty()) {
            LOG.errorf("history of %s: the restore to %s was dropped: that point is no longer in the kept history", file, pending.get());
            HistoryDirectory.restoreDone(dir);
            return;
        }
        long started = System.nanoTime();
        Path rebuilt = file.resolveSibling(file.getFileName() + ".restoring");
        rebuild(plan.get(), rebuilt);
        sink.replacing(file);
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-wal"));
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-shm"));
        Files.move(rebuilt, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        HistoryDirectory.force(file.getParent());
        beginAfterRestore(file, dir, chapters.getLast(), clock);
        HistoryDirectory.restoreDone(dir);
        LOG.infof("history of %s: restored to %s (%s), replaying %d commits, in %d ms", file, pending.get(), pending.get().time(),
                plan.get().replay().size(), (System.nanoTime() - started) / 1_000_000);
    }

    /** The state of {@code plan} written to {@code target}: the chapter's base, then its records replayed, made durable. */
    static void rebuild(Plan plan, Path target) throws IOException {
        Files.copy(plan.chapter().base(), target, StandardCopyOption.REPLACE_EXISTING);
        ReplicaWriter writer = new ReplicaWriter(target.getParent());
        String name = target.getFileName().toString();
        try (FileChannel log = FileChannel.open(plan.chapter().log(), StandardOpenOption.READ)) {
            ByteArrayOutputStream run = new ByteArrayOutputStream();
            long runStart = -1;
            for (ChapterLog.Entry e : plan.replay()) {
                if (runStart >= 0 && (e.walOffset() != runStart + run.size() || run.size() + e.length() > REPLAY_BYTES)) {
                    writer.apply(name, runStart, run.toByteArray());
                    run.reset();
                    runStart = -1;
                }
                if (runStart < 0) {
                    runStart = e.walOffset();
                }
                run.write(ChapterLog.bytes(log, e));
            }
            if (runStart >= 0) {
                writer.apply(name, runStart, run.toByteArray());
            }
        }
        writer.sync();
    }

    /** A chapter beginning with the restored file, closed as the file is now: the database's open takes it up. */
    private static void beginAfterRestore(Path file, Path dir, Chapter last, InstantSource clock) throws IOException {
        List<ChapterLog.Entry> entries = ChapterLog.entries(last.log());
        long lastCommit = entries.isEmpty() ? last.commit() : entries.getLast().commit();
        long lastTime = entries.isEmpty() ? last.timeMillis() : entries.getLast().timeMillis();
        long commit = lastCommit + 1;
        long time = Math.max(lastTime, clock.millis());
        Chapter c = HistoryDirectory.chapter(dir, commit, time);
        Path temporary = c.base().resolveSibling(c.base().getFileName() + ".tmp");
        Files.copy(file, temporary, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel t = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            t.force(true);
        }
        try (ChapterLog log = ChapterLog.create(c.log())) {
            log.appendClosed(commit, time, ChapterLog.ClosedFile.of(file));
            log.force();
        }
        Files.move(temporary, c.base(), StandardCopyOption.ATOMIC_MOVE);
        HistoryDirectory.force(dir);
    }
}
