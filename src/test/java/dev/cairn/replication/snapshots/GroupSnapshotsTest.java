package dev.cairn.replication.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cairn.replication.commits.Entry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Ratis is told when it asks a group for a snapshot (on its updater thread, after every round of
 * applies once enough entries came): a build starts on the snapshot thread and the answer comes at
 * once; a finished snapshot is reported exactly once, after which Ratis purges the log up to it. The
 * snapshot thread is a queue the test runs by hand.
 */
class GroupSnapshotsTest {
    private static final String FILE = "counter/0a/" + "0a".repeat(32) + ".sqlite";
    private static final long EVERY = 10;

    @TempDir
    Path dir;
    private final List<Runnable> snapshotThread = new ArrayList<>();
    private final List<Entry> log = new ArrayList<>();
    private final SnapshotStats stats = new SnapshotStats();
    private SnapshotStore store;
    private GroupSnapshots snapshots;

    @BeforeEach
    void setUp() throws Exception {
        store = new SnapshotStore(2);
        store.init(dir.resolve("sm"));
        snapshots = new GroupSnapshots(0, store, EVERY, snapshotThread::add, stats);
        snapshots.resume();
        try (var leader = new CommittingLeader(dir.resolve("leader"), FILE)) {
            log.add(leader.commit("CREATE TABLE t(x)"));
            for (int i = 0; i < 30; i++) {
                log.add(leader.commit("INSERT INTO t VALUES (" + i + ")"));
            }
        }
    }

    private List<Entry> at(long index) throws IOException {
        if (index > log.size()) {
            throw new IOException("entry " + index + " is not in the log");
        }
        return List.of(log.get((int) index - 1));
    }

    private long take(long applied) {
        return snapshots.take(TermIndex.valueOf(2, applied), this::at);
    }

    private void runSnapshotThread() {
        while (!snapshotThread.isEmpty()) {
            snapshotThread.removeFirst().run();
        }
    }

    @Test
    void ratisGetsAnAnswerAtOnceAndAFinishedSnapshotOnceAfterwards() {
        assertEquals(-1, take(12), "nothing finished yet");
        assertEquals(1, snapshotThread.size(), "a build up to 12 is started");
        assertEquals(-1, take(14));
        assertEquals(1, snapshotThread.size(), "one build at a time");

        runSnapshotThread();
        assertEquals(12, store.latest().index());
        assertEquals(12, take(15), "the finished snapshot, for Ratis to purge the log up to it");
        assertEquals(0, snapshotThread.size());
        assertEquals(-1, take(16), "reported once; the next build starts");
        runSnapshotThread();
        assertEquals(16, take(17));
        assertEquals(2, stats.built());
    }

    @Test
    void aPausedGroupDropsItsQueuedBuildAndStartsNoneUntilResumed() {
        take(12);
        snapshots.pause(); // returns at once: the build had not started
        runSnapshotThread();
        assertNull(store.latest());
        assertEquals(-1, take(13));
        assertEquals(0, snapshotThread.size());

        snapshots.resume();
        take(13);
        runSnapshotThread();
        assertEquals(13, take(14));
    }

    @Test
    void aFailedBuildIsTriedAgainOnlyAnIntervalLater() {
        assertEquals(-1, take(40)); // past the log's end: entry 32 is missing
        runSnapshotThread();
        assertNull(store.latest());
        take(45);
        assertEquals(0, snapshotThread.size(), "not at every round of applies");
        log.addAll(List.copyOf(log.subList(1, 20))); // the log reaches 50 (entries repeated: a WAL range applies again)
        take(50);
        assertEquals(1, snapshotThread.size());
    }

    @Test
    void aGroupStartedFromASnapshotDoesNotReportItAgain() throws Exception {
        take(12);
        runSnapshotThread();
        GroupSnapshots restarted = new GroupSnapshots(0, store, EVERY, snapshotThread::add, stats);
        restarted.resume(); // as the group starts: Ratis knows the snapshot it starts from
        assertEquals(-1, restarted.take(TermIndex.valueOf(2, 12), this::at));
        assertEquals(0, snapshotThread.size(), "nothing applied since");
    }
}
