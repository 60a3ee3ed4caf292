package dev.cairn.replication;

import dev.cairn.replication.commits.CommitBatches;
import dev.cairn.replication.commits.Entry;
import dev.cairn.replication.commits.LeaderAppends;
import dev.cairn.replication.commits.LiveFiles;
import dev.cairn.replication.commits.Shipments;
import dev.cairn.replication.commits.UndecidedCommits;
import dev.cairn.replication.snapshots.GroupSnapshots;
import dev.cairn.replication.snapshots.Snapshot;
import dev.cairn.replication.snapshots.SnapshotStore;
import dev.cairn.storage.AlarmChange;
import dev.cairn.storage.wal.ReplicaWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.LifeCycle;
import org.jboss.logging.Logger;

/**
 * One Raft group's state on this node: the object files of the group's shards. On the leader, objects
 * run and SQLite writes the files; each commit's WAL bytes become an {@link Entry}, submitted here,
 * and the commit counts once the entry is applied (committed on a majority). Everywhere else,
 * committed entries are written into the files page by page ({@link ReplicaWriter}); a file this
 * node still has open as a leader is first closed ({@link GroupEvents#leadershipLost}). The alarm
 * changes the entries record go to the node's alarm index, so a new leader knows its due alarms
 * without opening every object ({@link GroupEvents#alarmChanged}).
 *
 * <p>Snapshots ({@link GroupSnapshots}) bound the log: the group starts from its newest snapshot and
 * the entries after it, and a follower that lags behind the log's start installs the leader's newest
 * snapshot; either way the group's files are replaced with the snapshot's ({@link GroupFiles}).
 *
 * <p>Threads: Ratis applies entries on the group's own updater thread, in log order, which alone
 * uses the {@link ReplicaWriter} (and takes snapshots, reinitializes after an install); Ratis
 * initializes the group before that thread starts, and sends notifications and pauses the group
 * before an install on its own threads; object threads
 * call {@link #serving} and {@link #appends} ({@link LeaderAppends}).
 *
 * <p>About 450 lines: every callback of Ratis's state machine contract for one group (start, apply, snapshot,
 * install, leadership notifications, a failed log write), each handing its work to the classes above.
 */
final class GroupMachine extends BaseStateMachine {
    private static final Logger LOG = Logger.getLogger(GroupMachine.class);

    private final int group;
    private final Shipments shipments;
    private final LiveFiles live;
    private final Supplier<ReplicaWriter> writers;
    private final GroupFiles files;
    private final GroupSnapshots snapshots;
    private final GroupEvents events;
    private final UndecidedCommits undecided = new UndecidedCommits();
    private final LeaderAppends appends;
    /** Writes committed entries into the group's files. Updater thread; a new one whenever the files are replaced. */
    private ReplicaWriter replicas;
    private volatile RaftServer.Division division;
    /** Whether this node led the group when last told: losing it evicts the group's objects. */
    private volatile Leadership leadership = Leadership.FOLLOWING;
    private final CommitBatches.Clock clock;
    /** When the group's leader last changed, or this node began serving it ({@link #servedFor}). */
    private volatile long leaderSince;

    private enum Leadership { LEADING, FOLLOWING }

    /** Whether this member keeps its copy of the group, or gave it up after a write here failed ({@link #stopReplicating}). */
    private enum Copy { KEPT, ABANDONED }

    private final AtomicReference<Copy> copy = new AtomicReference<>(Copy.KEPT);

    GroupMachine(int group, Shipments shipments, LiveFiles live, Supplier<ReplicaWriter> writers, GroupFiles files, GroupSnapshots snapshots,
            GroupEvents events, Duration confirmWait, CommitBatches.Clock clock, Duration commitWait, int maxEntryBytes) {
        this.group = group;
        this.shipments = shipments;
        this.live = live;
        this.writers = writers;
        this.files = files;
        this.snapshots = snapshots;
        this.replicas = writers.get();
        this.events = events;
        this.clock = clock;
        this.leaderSince = clock.nanoTime();
        this.appends = new LeaderAppends(group, shipments, undecided, () -> division, this::serving, confirmWait, clock, commitWait,
                maxEntryBytes);
    }

    int group() {
        return group;
    }

    /**
     * Starts the group from its newest snapshot: its files replaced with the snapshot's, Ratis applies
     * the entries after it (all of them when there is none).
     */
    @Override
    public void initialize(RaftServer server, RaftGroupId id, RaftStorage storage) throws IOException {
        super.initialize(server, id, storage);
        division = server.getDivision(id);
        snapshots.store().init(storage);
        restore("restored from its snapshot");
        snapshots.resume();
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /** Replaces the group's files with the newest snapshot's (none: every file removed) and applies from there. */
    private void restore(String how) throws IOException {
        long started = System.nanoTime();
        Snapshot snapshot = snapshots.store().latest();
        int removed = files.replaceWith(snapshot);
        replicas = writers.get();
        if (snapshot == null) {
            events.alarmsFromLogStart(group);
        } else {
            setLastAppliedTermIndex(snapshot.termIndex());
            LOG.infof("group %d: %s at index %d: %d files, %d bytes, in %d ms (%d files removed first)", group, how, snapshot.index(),
                    snapshot.files().size(), snapshot.bytes(), (System.nanoTime() - started) / 1_000_000, removed);
        }
    }

    @Override
    public SnapshotStore getStateMachineStorage() {
        return snapshots.store();
    }

    /**
     * Ratis asks on the updater thread, {@code GroupSnapshots.every} entries after the last snapshot it
     * knows. The alarm changes of the entries it covers are made durable in the index first: a restart
     * replays only the entries after it.
     */
    @Override
    public long takeSnapshot() {
        events.alarmsFlushed();
        return snapshots.take(getLastAppliedTermIndex(), this::entryAt);
    }

    /** The commits of a committed entry read back from the log, for a snapshot build. */
    private List<Entry> entryAt(long index) throws IOException {
        LogEntryProto log = division.getRaftLog().get(index);
        if (log == null) {
            throw new IOException("entry " + index + " of group " + group + " is no longer in this node's log");
        }
        return log.hasStateMachineLogEntry() && !log.getStateMachineLogEntry().getLogData().isEmpty()
                ? Entry.read(log.getStateMachineLogEntry().getLogData().newInput()) : List.of(); // none: not a commit, or a confirmation
    }

    /** Ratis is about to install a snapshot from the leader (once per piece of it): no build may write meanwhile. */
    @Override
    public void pause() {
        if (getLifeCycle().compareAndTransition(LifeCycle.State.RUNNING, LifeCycle.State.PAUSING)) {
            snapshots.pause();
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /**
     * Ratis installed the leader's snapshot in the group's directory (replacing every snapshot there):
     * made durable (the log before it is gone), the group's files are replaced with its files, once no
     * object of this node has one open.
     */
    @Override
    public void reinitialize() throws IOException {
        snapshots.store().load();
        Snapshot installed = snapshots.store().latest();
        if (installed == null) {
            throw new IOException("group " + group + ": Ratis installed a snapshot, but its directory holds no complete one");
        }
        // Before the snapshot counts: a restart after it would not learn its files' alarms either.
        events.alarmsUnknown(group);
        snapshots.store().makeDurable(installed);
        awaitFilesClosed();
        restore("installed the leader's snapshot");
        snapshots.installed();
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    private void awaitFilesClosed() throws InterruptedIOException {
        CompletableFuture<Void> closed = live.whenClosed(files::holds);
        if (closed.isDone()) {
            return;
        }
        events.leadershipLost(group);
        try {
            closed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for group " + group + "'s files to close");
        } catch (ExecutionException e) {
            // closing never fails its stage
        }
    }

    /** The first index of the group's log here, or -1 before the group started. */
    long logStartIndex() {
        RaftServer.Division d = division;
        return d == null ? -1 : d.getRaftLog().getStartIndex();
    }

    /**
     * Whether the group's division here was closed while this node runs: Ratis closes it when writing
     * the group's log or applying an entry fails. It never opens again in this process.
     */
    boolean closedHere() {
        RaftServer.Division d = division;
        return d != null && !d.getInfo().isAlive();
    }

    /** Whether this node leads the group and has applied every entry before its term: its objects may run here. */
    boolean serving() {
        RaftServer.Division d = division;
        if (d == null) {
            return false;
        }
        DivisionInfo info = d.getInfo();
        return info.isAlive() && info.isLeader() && info.isLeaderReady();
    }

    /** How long this node has served the group ({@link #serving}); zero when it does not. */
    Duration servedFor() {
        return serving() ? Duration.ofNanos(clock.nanoTime() - leaderSince) : Duration.ZERO;
    }

    /** The member leading the group as far as this node knows (itself only once {@link #serving}), if any. */
    Optional<String> leader() {
        RaftServer.Division d = division;
        if (d == null) {
            return Optional.empty();
        }
        DivisionInfo info = d.getInfo();
        if (!info.isAlive()) {
            return Optional.empty(); // closed here: it no longer hears who leads
        }
        if (info.isLeader()) {
            return info.isLeaderReady() ? Optional.of(d.getId().toString()) : Optional.empty();
        }
        RaftPeerId leader = info.getLeaderId();
        return leader == null ? Optional.empty() : Optional.of(leader.toString());
    }

    /** Entries a replica may lag behind and still take the leadership at once (the transfer waits for the rest). */
    static final long CLOSE_ENOUGH = 256;

    /**
     * Entries of the group committed (by the highest commit index this node knows of, the leader's
     * among them, as the leader's appends carry it) that this node has not applied yet. A node back
     * from a restart replays its log from the newest snapshot: until it has, a leadership handed to it
     * would serve nothing, since a leader serves once it has applied every entry before its term.
     */
    long applyBacklog() {
        RaftServer.Division d = division;
        if (d == null) {
            return 0;
        }
        long committed = d.getCommitInfos().stream().mapToLong(CommitInfoProto::getCommitIndex).max().orElse(-1);
        return Math.max(0, committed - d.getInfo().getLastAppliedIndex());
    }

    /**
     * This serving leader's followers (none when it does not serve): how long since each answered, and
     * whether it follows closely: it answered within {@code within} and lags at most a few entries
     * behind, so a transfer to it does not stall the group while it catches up.
     */
    List<StalledFollowers.Follower> followers(Duration within) {
        RaftServer.Division d = division;
        if (d == null || !serving()) {
            return List.of();
        }
        DivisionInfo info = d.getInfo();
        var followers = info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
        long[] matched = info.getFollowerMatchIndices();
        long logStart = d.getRaftLog().getStartIndex();
        List<StalledFollowers.Follower> all = new ArrayList<>();
        for (int i = 0; i < followers.size() && i < matched.length; i++) {
            long silentMs = followers.get(i).getLastRpcElapsedTimeMs();
            StalledFollowers.Lag lag = silentMs < within.toMillis() && matched[i] >= info.getLastAppliedIndex() - CLOSE_ENOUGH
                    ? StalledFollowers.Lag.CLOSE
                    : matched[i] + 1 < logStart ? StalledFollowers.Lag.BEFORE_THE_LOG : StalledFollowers.Lag.BEHIND;
            all.add(new StalledFollowers.Follower(followers.get(i).getId().getId().toStringUtf8(), Duration.ofMillis(silentMs),
                    lag, matched[i]));
        }
        return all;
    }

    /** The index of the last entry in the group's log here, or -1 before the group started. */
    long lastIndex() {
        RaftServer.Division d = division;
        return d == null ? -1 : d.getRaftLog().getNextIndex() - 1;
    }

    /** Whether {@code peer} follows this leader closely ({@link #followers}). */
    boolean caughtUp(String peer, Duration within) {
        return followers(within).stream().anyMatch(f -> f.id().equals(peer) && f.caughtUp());
    }

    /** Whether {@code file} must not be opened yet: an earlier commit of it, withdrawn here, may still commit. */
    boolean holdsBack(String file) {
        return undecided.holdsBack(file);
    }

    /** This node's appends to the group's log, for while it leads the group. */
    LeaderAppends appends() {
        return appends;
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto log = trx.getLogEntry();
        if (log.getStateMachineLogEntry().getLogData().isEmpty()) {
            updateLastAppliedTermIndex(log.getTerm(), log.getIndex()); // a leadership confirmation: nothing to write
            return CompletableFuture.completedFuture(Message.EMPTY);
        }
        for (Entry entry : Entry.read(log.getStateMachineLogEntry().getLogData().newInput())) {
            if (shipments.applied(entry.origin(), entry.sequence())) {
                // This node's own SQLite wrote the file: what the replica writer held of its WAL is stale. A
                // commit of this generation withdrawn here and committed after all is then taken up from its
                // own frames, not refused for continuing a generation the writer never saw.
                replicas.forget(entry.file());
                continue;
            }
            try {
                write(entry);
                switch (entry.alarm().orElse(null)) {
                    case null -> events.alarmsUnknown(group);
                    case AlarmChange.Unchanged unchanged -> { }
                    case AlarmChange.Set set -> events.alarmChanged(entry.file(), set);
                    case AlarmChange.Deleted deleted -> events.alarmChanged(entry.file(), deleted);
                }
            } catch (IOException | RuntimeException e) {
                // This member cannot keep its copy, so it stops replicating the group (the other members go on).
                // Thrown too, not returned as a failed future: Ratis 3.2.2 logs a failed future and applies the
                // next entry at once, over a copy without this commit; what the apply throws stops it here.
                stopReplicating("cannot write entry " + log.getIndex() + " into " + entry.file(), e);
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
            if (entry.origin() == shipments.incarnation()) {
                undecided.decided(entry.sequence()); // a commit withdrawn here, committed after all: now in the file
            }
        }
        updateLastAppliedTermIndex(log.getTerm(), log.getIndex());
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    /** Another leader's commit (or this node's, shipped before a restart or withdrawn): into the file, once no object has it open. */
    private void write(Entry entry) throws IOException {
        CompletableFuture<Void> closed = live.whenClosed(entry.file());
        if (!closed.isDone()) {
            events.leadershipLost(group);
            while (true) {
                try {
                    closed.get(10, TimeUnit.SECONDS);
                    break;
                } catch (TimeoutException e) {
                    LOG.warnf("group %d: entry %s waits for %s to be closed by this node's object (it lost the leadership)", group,
                            entry.sequence(), entry.file());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for " + entry.file() + " to close");
                } catch (ExecutionException e) {
                    break; // closing never fails its stage
                }
            }
        }
        entry.applyTo(replicas);
    }

    /**
     * Ratis could not write the group's log here (a full or failing disk). Its log worker then fails
     * every later write of the group too, yet the division stays open: as a follower this node would
     * stop acknowledging while it looks healthy, as the leader it would hold the group with nothing
     * committing. It stops replicating the group instead, as when an entry cannot be applied.
     */
    @Override
    public void notifyLogFailed(Throwable cause, LogEntryProto failedEntry) {
        if (closedHere()) {
            return; // the group is closing (the node stops): a write its close cut short is no fault of the disk
        }
        stopReplicating("writing its Raft log" + (failedEntry == null ? "" : " at entry " + failedEntry.getIndex()) + " failed", cause);
    }

    /**
     * Gives up this member's copy of the group, once: the division here closes ({@link #closedHere},
     * which the node's liveness reports), the group's objects here stop, and when this node led the
     * group its other members elect a new leader. On a thread of its own: closing waits for the Raft
     * threads, one of which tells of the failure.
     */
    private void stopReplicating(String why, Throwable cause) {
        if (!copy.compareAndSet(Copy.KEPT, Copy.ABANDONED)) {
            return;
        }
        LOG.errorf(cause, "group %d: %s; this node stops replicating the group until it restarts", group, why);
        RaftServer.Division d = division;
        Thread.ofVirtual().name("cairn-group-" + group + "-stop").start(() -> {
            try {
                if (d != null) {
                    d.close();
                }
            } catch (RuntimeException e) {
                LOG.warnf("group %d: closing its division after the failure: %s", group, e);
            }
            events.leadershipLost(group);
        });
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeader) {
        leaderSince = clock.nanoTime();
        boolean self = newLeader != null && newLeader.equals(member.getPeerId());
        Leadership was = leadership;
        leadership = self ? Leadership.LEADING : Leadership.FOLLOWING;
        if (was == Leadership.LEADING && !self) {
            events.leadershipLost(group);
        }
        events.leaderChanged(group);
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pending) {
        leadership = Leadership.FOLLOWING;
        events.leadershipLost(group);
    }

    @Override
    public void notifyLeaderReady() {
        leaderSince = clock.nanoTime();
        undecided.allDecided();
        events.serving(group);
    }

    @Override
    public void close() throws IOException {
        snapshots.pause();
        try {
            replicas.sync();
        } catch (IOException | RuntimeException e) {
            LOG.warnf("group %d: could not sync its files at close: %s", group, e.getMessage());
        }
        super.close();
    }
}
