package dev.cairn.replication.snapshots;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.jboss.logging.Logger;

/**
 * When one group snapshots, and the build under way. Ratis asks for a snapshot on the group's
 * updater thread once {@code every} entries were applied since the last one it was told of, and again
 * after each round of applies until it is told of a newer one; it then purges the log up to it. A
 * build takes a while (entries read back from the log and written into copies), so it runs on the
 * node's snapshot thread while the group goes on applying: {@link #take} starts one and answers at
 * once, with the index of a snapshot finished since it last answered, or {@code -1} (nothing new; Ratis
 * neither logs nor purges then).
 *
 * <p>Threads: {@link #take} and {@link #resume} run on the group's updater thread, builds on the
 * snapshot thread, {@link #pause} on Ratis' threads (before an install) or the updater's (at close).
 */
public final class GroupSnapshots {
    private static final Logger LOG = Logger.getLogger(GroupSnapshots.class);
    /** Longest wait for a cancelled build to stop: it stops between two entries, or after one file copy. */
    private static final long STOP_WAIT_SECONDS = 60;

    private final int group;
    private final SnapshotStore store;
    private final long every;
    private final Executor thread;
    private final SnapshotStats stats;
    /** The newest snapshot index Ratis was told of. Updater thread. */
    private long reported = RaftLog.INVALID_LOG_INDEX;
    /** After a failed build, the applied index from which to try again: written by the build, read by the updater thread. */
    private volatile long retryFrom;
    private volatile Build running;
    /** While Ratis installs a snapshot from the leader, or the group closes: no build starts. */
    private volatile boolean paused;

    /** Where a build is. */
    private enum Phase { QUEUED, RUNNING, ENDED }

    /** One build: its target, whether it is still wanted, and when it ended. */
    private static final class Build {
        final TermIndex target;
        final AtomicReference<Phase> phase = new AtomicReference<>(Phase.QUEUED);
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        volatile boolean cancelled;

        Build(TermIndex target) {
            this.target = target;
        }

        /** Ends a build cancelled before it started (it may wait behind other groups' builds): there is nothing to wait for. */
        boolean endIfQueued() {
            if (phase.compareAndSet(Phase.QUEUED, Phase.ENDED)) {
                ended.complete(null);
                return true;
            }
            return false;
        }
    }

    public GroupSnapshots(int group, SnapshotStore store, long every, Executor thread, SnapshotStats stats) {
        if (every < 1) {
            throw new IllegalArgumentException("a snapshot every " + every + " entries: 1 or more");
        }
        this.group = group;
        this.store = store;
        this.every = every;
        this.thread = thread;
        this.stats = stats;
    }

    public SnapshotStore store() {
        return store;
    }

    /** Entries between snapshots (Ratis' trigger threshold). */
    long every() {
        return every;
    }

    /**
     * Ratis asks for a snapshot, everything up to {@code applied} applied: the index of a snapshot
     * finished since the last answer, else {@code -1}, having started a build up to {@code applied}
     * when none runs.
     */
    public long take(TermIndex applied, SnapshotBuilder.EntryLog log) {
        Snapshot latest = store.latest();
        if (latest != null && latest.index() > reported) {
            reported = latest.index();
            return reported;
        }
        Build b = running;
        long from = latest == null ? 0 : latest.index();
        if (!paused && (b == null || b.ended.isDone()) && applied.getIndex() > from && applied.getIndex() >= retryFrom) {
            Build build = new Build(applied);
            running = build;
            thread.execute(() -> run(build, latest, log));
        }
        return RaftLog.INVALID_LOG_INDEX;
    }

    private void run(Build build, Snapshot previous, SnapshotBuilder.EntryLog log) {
        if (!build.phase.compareAndSet(Phase.QUEUED, Phase.RUNNING)) {
            return; // cancelled while queued
        }
        long started = System.nanoTime();
        TermIndex target = build.target;
        Path dir = null;
        try {
            dir = store.building(target.getIndex());
            SnapshotBuilder.Built built = SnapshotBuilder.build(previous, target.getTerm(), target.getIndex(), log, dir,
                    () -> build.cancelled);
            Snapshot published = store.publish(built.snapshot());
            long nanos = System.nanoTime() - started;
            stats.built(nanos);
            LOG.infof("replication: group %d snapshot at index %d: %d entries applied since index %d, %d files copied, %d linked,"
                    + " %d bytes, in %d ms", group, target.getIndex(), built.entries(), previous == null ? 0 : previous.index(),
                    built.copied(), built.linked(), published.bytes(), nanos / 1_000_000);
        } catch (CancellationException e) {
            LOG.debugf("replication: group %d snapshot at index %d cancelled", group, target.getIndex());
            removeQuietly(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "replication: group %d could not build its snapshot at index %d; the log is kept until one is built",
                    group, target.getIndex());
            retryFrom = target.getIndex() + every; // read on the updater thread after `ended` completes
            removeQuietly(dir);
        } finally {
            build.phase.set(Phase.ENDED);
            build.ended.complete(null);
        }
    }

    private void removeQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            SnapshotStore.deleteTree(dir);
        } catch (IOException e) {
            LOG.debugf("replication: %s is left for the next start to remove: %s", dir, e.getMessage());
        }
    }

    /** No build starts from now on, and one under way is cancelled; returns once it stopped. Idempotent. */
    public void pause() {
        paused = true;
        Build b = running;
        if (b == null) {
            return;
        }
        b.cancelled = true;
        if (b.endIfQueued()) {
            return;
        }
        try {
            b.ended.get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            LOG.warnf("replication: group %d's snapshot build did not stop within %d s", group, STOP_WAIT_SECONDS);
        }
    }

    /** The group replaced its files with a snapshot installed from its leader: builds go on from it. */
    public void installed() {
        stats.install();
        resume();
    }

    /** Builds may start again, after the store was (re)loaded: its newest snapshot is where the group stands. */
    public void resume() {
        Snapshot latest = store.latest();
        reported = latest == null ? RaftLog.INVALID_LOG_INDEX : latest.index();
        retryFrom = 0;
        paused = false;
    }
}
