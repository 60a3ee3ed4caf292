package dev.cairn.replication.snapshots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.replication.commits.Entry;
import dev.cairn.storage.wal.ReplicaWriter;
import dev.cairn.storage.ShippingLeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * A snapshot built from the previous one and the committed entries since holds, file for file, what
 * a follower applying every entry from the start holds: real SQLite databases on the leader side, the
 * follower and the snapshots written by {@link ReplicaWriter}.
 */
class SnapshotBuilderTest {
    private static final String KEPT = "counter/0a/" + "0a".repeat(32) + ".sqlite";
    private static final String UNTOUCHED = "counter/1b/" + "1b".repeat(32) + ".sqlite";
    private static final String LATE = "chat/2c/" + "2c".repeat(32) + ".sqlite";

    @TempDir
    Path dir;
    private Path leaderDir;
    private Path followerDir;
    private SnapshotStore store;
    /** The group's log: index i at position i - 1; null where an entry holds no commit. */
    private final List<Entry> log = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        leaderDir = dir.resolve("leader");
        followerDir = dir.resolve("follower");
        store = new SnapshotStore(2);
        store.init(dir.resolve("raft/group/sm"));
    }

    private List<Entry> at(long index) throws IOException {
        if (index < 1 || index > log.size()) {
            throw new IOException("entry " + index + " is not in the log");
        }
        Entry entry = log.get((int) index - 1);
        return entry == null ? List.of() : List.of(entry);
    }

    /** Builds and publishes the snapshot at {@code index} from the newest one: what the build took, and the snapshot published. */
    private SnapshotBuilder.Built snapshotAt(long index) throws IOException {
        SnapshotBuilder.Built built = SnapshotBuilder.build(store.latest(), 3, index, this::at, store.building(index), () -> false);
        return new SnapshotBuilder.Built(store.publish(built.snapshot()), built.entries(), built.copied(), built.linked());
    }

    /** The follower: every entry of the log, from the start, into its own files. */
    private void followerApplies() throws IOException {
        ReplicaWriter follower = new ReplicaWriter(followerDir);
        for (Entry e : log) {
            if (e != null) {
                e.applyTo(follower);
            }
        }
    }

    @Test
    void aSnapshotHoldsWhatAFollowerHoldsAndTheNextOneCopiesOnlyTheFilesItsEntriesTouch() throws Exception {
        try (var kept = new CommittingLeader(leaderDir, KEPT); var untouched = new CommittingLeader(leaderDir, UNTOUCHED)) {
            log.add(kept.commit("CREATE TABLE kv(k TEXT PRIMARY KEY, v BLOB)", "INSERT INTO kv VALUES ('a', randomblob(3000))"));
            log.add(null); // a new leader's first entry
            log.add(untouched.commit("CREATE TABLE t(x)", "INSERT INTO t VALUES (1), (2), (3)"));
            for (int i = 0; i < 20; i++) {
                log.add(kept.commit("INSERT INTO kv VALUES ('k" + i + "', randomblob(" + (100 * i) + "))"));
            }
            SnapshotBuilder.Built first = snapshotAt(log.size());
            assertEquals(22, first.entries());
            assertEquals(Map.of(KEPT, Files.size(first.snapshot().file(KEPT)), UNTOUCHED, Files.size(first.snapshot().file(UNTOUCHED))),
                    store.latest().files());

            kept.checkpointTruncating(); // the leader's next commit starts a new WAL generation, from offset 0
            for (int i = 0; i < 10; i++) {
                log.add(kept.commit("UPDATE kv SET v = randomblob(500) WHERE k = 'k" + i + "'", "DELETE FROM kv WHERE k = 'k" + (19 - i) + "'"));
            }
            try (var late = new CommittingLeader(leaderDir, LATE)) {
                log.add(late.commit("CREATE TABLE messages(at INTEGER, text TEXT)", "INSERT INTO messages VALUES (1, 'hello')"));
                log.add(late.commit("INSERT INTO messages VALUES (2, 'again')"));
            }
            log.add(kept.commit("INSERT INTO kv VALUES ('last', x'00')"));
            SnapshotBuilder.Built second = snapshotAt(log.size());

            assertEquals(13, second.entries(), "the entries after the first snapshot only");
            assertEquals(1, second.copied(), "the file the entries wrote is copied before they are applied");
            assertEquals(1, second.linked(), "the file they did not touch is hard-linked");
            Snapshot s = store.latest();
            assertEquals(log.size(), s.index());
            assertEquals(3, s.term());
            assertTrue(Files.isSameFile(first.snapshot().file(UNTOUCHED), s.file(UNTOUCHED)), "linked, not copied");
            assertEquals("snapshot.3_23", first.snapshot().dir().getFileName().toString());

            followerApplies();
            for (String f : List.of(KEPT, UNTOUCHED, LATE)) {
                assertArrayEquals(Files.readAllBytes(followerDir.resolve(f)), Files.readAllBytes(s.file(f)), f + ": as the follower's");
                String dump = dump(s.file(f));
                assertTrue(dump.endsWith("integrity_check: ok\n"), dump);
                assertEquals(dump(followerDir.resolve(f)), dump);
            }
            assertEquals(dump(leaderDir.resolve(KEPT)), dump(s.file(KEPT)), "what the leader's SQLite reads");
            assertTrue(dump(s.file(LATE)).contains("messages: 2 2 again"), dump(s.file(LATE)));
        }
    }

    @Test
    void theFilesOfAnOlderSnapshotNeverChangeWhenANewerOneIsBuiltFromThem() throws Exception {
        try (var kept = new CommittingLeader(leaderDir, KEPT)) {
            log.add(kept.commit("CREATE TABLE t(x)", "INSERT INTO t VALUES (1)"));
            Snapshot first = snapshotAt(1).snapshot();
            byte[] before = Files.readAllBytes(first.file(KEPT));
            log.add(kept.commit("INSERT INTO t VALUES (2)"));
            snapshotAt(2);
            assertArrayEquals(before, Files.readAllBytes(first.file(KEPT)));
            assertFalse(Files.isSameFile(first.file(KEPT), store.latest().file(KEPT)));
        }
    }

    @Test
    void onlyTheNewestSnapshotsAreKept() throws Exception {
        try (var kept = new CommittingLeader(leaderDir, KEPT)) {
            for (int i = 1; i <= 4; i++) {
                log.add(kept.commit("CREATE TABLE t" + i + "(x)"));
                snapshotAt(i);
            }
        }
        try (var children = Files.list(store.latest().dir().getParent())) {
            assertEquals(List.of("snapshot.3_3", "snapshot.3_4"), children.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aHalfBuiltSnapshotIsRemovedAtStartAndTheNewestCompleteOneIsUsed() throws Exception {
        try (var kept = new CommittingLeader(leaderDir, KEPT)) {
            log.add(kept.commit("CREATE TABLE t(x)"));
            snapshotAt(1);
            log.add(kept.commit("INSERT INTO t VALUES (1)"));
            // A crash in mid-build: the directory is there, with files but no manifest.
            Path building = store.building(2);
            SnapshotBuilder.build(store.latest(), 3, 2, this::at, building, () -> false);
            Files.delete(building.resolve(Snapshot.MANIFEST));
            // And a snapshot directory without its manifest is not a snapshot either.
            Files.createDirectories(building.getParent().resolve("snapshot.3_7"));
        }
        SnapshotStore restarted = new SnapshotStore(2);
        restarted.init(dir.resolve("raft/group/sm"));
        assertEquals(1, restarted.latest().index());
        assertFalse(Files.exists(dir.resolve("raft/group/sm/building.2")));
        assertEquals(1, restarted.getLatestSnapshot().getIndex());
        assertEquals(2, restarted.getLatestSnapshot().getFiles().size(), "its manifest and its file");
    }

    @Test
    void aBuildStopsWhenCancelledOrWhenAnEntryIsMissing() throws Exception {
        try (var kept = new CommittingLeader(leaderDir, KEPT)) {
            log.add(kept.commit("CREATE TABLE t(x)"));
        }
        assertThrows(CancellationException.class, () -> SnapshotBuilder.build(null, 1, 1, this::at, store.building(1), () -> true));
        assertEquals("entry 2 is not in the log",
                assertThrows(IOException.class, () -> SnapshotBuilder.build(null, 1, 2, this::at, store.building(2), () -> false)).getMessage());
        assertNull(store.latest());
    }

    /** Every table's rows in rowid order and the integrity check, read from a copy of {@code file} (so SQLite never touches it). */
    private String dump(Path file) throws Exception {
        Path copy = Files.createTempDirectory(dir, "dump").resolve("copy.sqlite");
        Files.copy(file, copy);
        if (Files.exists(Path.of(file + "-wal"))) {
            Files.copy(Path.of(file + "-wal"), Path.of(copy + "-wal"));
        }
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + copy)) {
            return ShippingLeader.dump(c);
        }
    }
}
