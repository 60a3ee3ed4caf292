package dev.cairn.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storage.ShippingLeader;
import dev.cairn.storage.ShippingLeader.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A follower's copy of a database, kept from the WAL bytes its leader's commits appended, holds what
 * the leader holds after every commit: no SQLite runs on it, and no WAL is left beside it.
 */
class ReplicaWriterTest {
    private static final String FILE = "objects/07/counter.sqlite";

    @TempDir
    Path dir;

    /** Commits of every kind, with the checkpoints that make SQLite start its WAL again (in place or truncated). */
    private static final List<List<String>> HISTORY = List.of(
            List.of("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, data BLOB)", "CREATE INDEX items_name ON items(name)"),
            List.of("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
                    + " INSERT INTO items(name, data) SELECT 'item ' || i, randomblob(400) FROM n"),
            List.of("UPDATE items SET name = name || ' (renamed)' WHERE id % 3 = 0"),
            List.of("INSERT INTO items(name, data) VALUES ('big', randomblob(300000))"),
            List.of("DELETE FROM items WHERE id % 2 = 0", "DELETE FROM items WHERE name = 'big'"),
            List.of("VACUUM"),
            List.of("PRAGMA wal_checkpoint(TRUNCATE)"),
            List.of("INSERT INTO items(name, data) VALUES ('after a truncating checkpoint', randomblob(5000))"),
            List.of("UPDATE items SET data = randomblob(900) WHERE id < 50"),
            List.of("PRAGMA wal_checkpoint(PASSIVE)"),
            List.of("INSERT INTO items(name) VALUES ('after a passive checkpoint: the WAL restarts in place')"),
            List.of("CREATE TABLE log(at INTEGER, line TEXT)", "INSERT INTO log VALUES (1, 'one'), (2, 'two')"),
            List.of("DROP INDEX items_name"),
            List.of("DELETE FROM items WHERE id > 100"),
            List.of("INSERT INTO log VALUES (3, 'three')"));

    /** The leader runs {@link #HISTORY} (checkpoints do not commit, so they ship nothing); returns each commit's dump. */
    private List<String> runHistory(ShippingLeader leader, ReplicaWriter replica) throws Exception {
        List<String> dumps = new ArrayList<>();
        for (List<String> step : HISTORY) {
            if (step.getFirst().startsWith("PRAGMA wal_checkpoint")) {
                leader.execute(step.getFirst());
                continue;
            }
            for (Entry e : leader.commit(step.toArray(String[]::new))) {
                replica.apply(FILE, e.offset(), e.bytes());
            }
            dumps.add(leader.dump());
            assertEquals(leader.dump(), replicaDump(), "after " + step);
        }
        return dumps;
    }

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {4096, 65536})
    void aReplicaHoldsWhatItsLeaderHoldsAfterEveryCommit(int pageSize) throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("leader/counter.sqlite"), pageSize)) {
            ReplicaWriter replica = new ReplicaWriter(dir.resolve("replica"));
            replica.create(FILE, leader.initialBytes());
            runHistory(leader, replica);
            replica.sync();
            assertTrue(leader.shipped().stream().filter(e -> e.offset() == 0).count() >= 3,
                    "the history starts the WAL three times: new, truncated, restarted in place");

            leader.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            assertArrayEquals(Files.readAllBytes(leader.file()), Files.readAllBytes(replicaFile()),
                    "byte for byte what the leader's file holds once the WAL is checkpointed");
            assertTrue(Files.notExists(Path.of(replicaFile() + "-wal")));
        }
    }

    @Test
    void replayingEntriesAgainConvergesToTheSameFile() throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("leader/counter.sqlite"))) {
            ReplicaWriter replica = new ReplicaWriter(dir.resolve("replica"));
            replica.create(FILE, leader.initialBytes());
            List<String> dumps = runHistory(leader, replica);
            byte[] current = Files.readAllBytes(replicaFile());
            List<Entry> entries = leader.shipped();

            replica.create(FILE, leader.initialBytes());
            entries.forEach(e -> apply(replica, e));
            assertArrayEquals(current, Files.readAllBytes(replicaFile()), "all entries from the beginning");

            int middle = indexOfContinuation(entries, entries.size() / 2);
            entries.subList(middle, entries.size()).forEach(e -> apply(replica, e));
            assertArrayEquals(current, Files.readAllBytes(replicaFile()), "from an entry in mid-generation on");

            replica.create(FILE, leader.initialBytes());
            for (Entry e : entries) {
                apply(replica, e);
                apply(replica, e);
            }
            assertArrayEquals(current, Files.readAllBytes(replicaFile()), "every entry applied twice");
            assertEquals(dumps.getLast(), replicaDump());
        }
    }

    @ParameterizedTest(name = "page size {0}")
    @ValueSource(ints = {4096, 65536})
    void aReplicaRestartedInMidGenerationTakesUpWhereItsFileIs(int pageSize) throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("leader/counter.sqlite"), pageSize)) {
            ReplicaWriter before = new ReplicaWriter(dir.resolve("replica"));
            before.create(FILE, leader.initialBytes());
            runHistory(leader, before);
            List<Entry> entries = leader.shipped();
            byte[] current = Files.readAllBytes(replicaFile());

            before.create(FILE, leader.initialBytes());
            int restart = indexOfContinuation(entries, entries.size() / 2);
            entries.subList(0, restart).forEach(e -> apply(before, e));
            before.sync();
            ReplicaWriter after = new ReplicaWriter(dir.resolve("replica"));
            entries.subList(restart, entries.size()).forEach(e -> apply(after, e));
            assertArrayEquals(current, Files.readAllBytes(replicaFile()));
        }
    }

    /**
     * A node that led the file for a while (its own SQLite wrote it, so this writer read none of those
     * entries) and then applies a committed entry continuing its own WAL generation (a commit it had
     * withdrawn, committed after all): what the writer held from before is stale and must be forgotten.
     */
    @Test
    void aFileThisNodeWroteItselfIsTakenUpAfterForgettingWhatWasHeldBefore() throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("leader/counter.sqlite"))) {
            ReplicaWriter follower = new ReplicaWriter(dir.resolve("replica"));
            follower.create(FILE, leader.initialBytes());
            // The old generation, read to its end: a table (two frames), then commits of one frame each.
            apply(follower, leader.commit("CREATE TABLE t(k INTEGER PRIMARY KEY)"));
            for (int k = 1; k <= 3; k++) {
                apply(follower, leader.commit("INSERT INTO t VALUES (" + k + ")"));
            }
            long oldEnd = leader.shipped().getLast().end();
            // This node leads: its own SQLite starts the WAL again in place and writes up to that same offset.
            leader.execute("PRAGMA wal_checkpoint(PASSIVE)");
            ReplicaWriter ownSqlite = new ReplicaWriter(dir.resolve("replica"));
            do {
                apply(ownSqlite, leader.commit("INSERT INTO t VALUES (NULL)"));
            } while (leader.shipped().getLast().end() < oldEnd);
            assertEquals(oldEnd, leader.shipped().getLast().end(), "the new generation reached the old one's end");
            // A commit it had withdrawn, committed after all: it continues the new generation where the old one ended.
            List<Entry> withdrawn = leader.commit("INSERT INTO t VALUES (NULL)");
            assertEquals(oldEnd, withdrawn.getFirst().offset());

            IllegalArgumentException stale = assertThrows(IllegalArgumentException.class,
                    () -> follower.apply(FILE, withdrawn.getFirst().offset(), withdrawn.getFirst().bytes()));
            assertTrue(stale.getMessage().contains("salts are not those of the WAL generation"), stale.getMessage());
            follower.forget(FILE);
            apply(follower, withdrawn);
            assertEquals(leader.dump(), replicaDump());
        }
    }

    @Test
    void aTransactionHandedOverInPiecesAppearsWithItsLastPiece() throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("leader/counter.sqlite"))) {
            ReplicaWriter replica = new ReplicaWriter(dir.resolve("replica"));
            replica.create(FILE, leader.initialBytes());
            apply(replica, leader.commit("CREATE TABLE t(v)", "INSERT INTO t VALUES ('first')"));
            String first = leader.dump();
            List<Entry> second = leader.commit("INSERT INTO t VALUES (randomblob(20000))", "INSERT INTO t VALUES ('second')");
            assertEquals(1, second.size());
            Entry whole = second.getFirst();
            int frame = 4096 + 24;
            int length = whole.bytes().length;
            // A piece ending inside a frame, one shorter than a frame header, one handed over again from inside
            // the bytes held, then the rest with the commit frame.
            int[][] pieces = {{0, frame + 100}, {frame + 100, frame + 110}, {50, frame + 110}, {frame + 110, length}};
            for (int[] piece : pieces) {
                assertEquals(first, replicaDump(), "before the piece " + Arrays.toString(piece) + " of " + length);
                replica.apply(FILE, whole.offset() + piece[0], Arrays.copyOfRange(whole.bytes(), piece[0], piece[1]));
            }
            assertEquals(leader.dump(), replicaDump());
        }
    }

    @Test
    void bytesThatAreNoWalFramesAreRefusedAndChangeNothing() throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("leader/counter.sqlite"))) {
            ReplicaWriter replica = new ReplicaWriter(dir.resolve("replica"));
            replica.create(FILE, leader.initialBytes());
            Entry first = leader.commit("CREATE TABLE t(v)").getFirst();
            replica.apply(FILE, first.offset(), first.bytes());
            byte[] garbage = new byte[3 * (4096 + 24)];
            new Random(7).nextBytes(garbage);

            var notAHeader = assertThrows(IllegalArgumentException.class, () -> replica.apply(FILE, 0, garbage));
            assertEquals("cannot apply the 12360 WAL bytes at offset 0 to " + FILE + ": not a SQLite WAL header: magic number 0x"
                    + String.format("%08x", java.nio.ByteBuffer.wrap(garbage).getInt()) + ", expected 0x377f0682 or 0x377f0683",
                    notAHeader.getMessage());
            var notAFrame = assertThrows(IllegalArgumentException.class, () -> replica.apply(FILE, first.end(), garbage));
            assertEquals("cannot apply the 12360 WAL bytes at offset " + first.end() + " to " + FILE + ": the frame at WAL offset "
                    + first.end() + " is refused: its salts are not those of the WAL generation it should continue"
                    + " (a frame left from before the WAL restarted, or not a WAL frame)", notAFrame.getMessage());
            var notAtAFrame = assertThrows(IllegalArgumentException.class, () -> replica.apply(FILE, first.end() + 5000, garbage));
            assertTrue(notAtAFrame.getMessage().contains("is not a frame boundary (32 + n * 4120 for the file's page size 4096)"),
                    notAtAFrame.getMessage());

            Entry second = leader.commit("INSERT INTO t VALUES ('still following')").getFirst();
            replica.apply(FILE, second.offset(), second.bytes());
            assertEquals(leader.dump(), replicaDump());
        }
    }

    @Test
    void bytesMissingInTheMiddleOfAGenerationAreRefused() throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("leader/counter.sqlite"))) {
            ReplicaWriter replica = new ReplicaWriter(dir.resolve("replica"));
            replica.create(FILE, leader.initialBytes());
            apply(replica, leader.commit("CREATE TABLE t(v)"));
            long readTo = leader.shipped().getLast().end();
            leader.commit("INSERT INTO t VALUES (1)");
            Entry third = leader.commit("INSERT INTO t VALUES (2)").getFirst();

            var e = assertThrows(IllegalArgumentException.class, () -> replica.apply(FILE, third.offset(), third.bytes()));
            assertEquals("cannot apply the " + third.bytes().length + " WAL bytes at offset " + third.offset() + " to " + FILE
                    + ": bytes of this WAL generation are missing: it is read up to offset " + readTo, e.getMessage());
        }
    }

    @Test
    void aFileMustBeCreatedBeforeItsWalBytesAndBeNamedInsideTheDataDirectory() {
        ReplicaWriter replica = new ReplicaWriter(dir.resolve("replica"));
        var missing = assertThrows(IllegalArgumentException.class, () -> replica.apply(FILE, 0, new byte[100]));
        assertEquals("cannot apply the 100 WAL bytes at offset 0 to " + FILE
                + ": there is no such database file (a file's first entry carries its initial bytes)", missing.getMessage());
        var outside = assertThrows(IllegalArgumentException.class, () -> replica.create("objects/../../x.sqlite", new byte[0]));
        assertEquals("a database file is named by a path inside the data directory, relative to it"
                + " (like objects/07/counter.sqlite); got 'objects/../../x.sqlite'", outside.getMessage());
        assertThrows(IllegalArgumentException.class, () -> replica.create(dir.resolve("abs.sqlite").toString(), new byte[0]));
    }

    @Test
    void createMakesTheDirectoriesAndReplacesAnExistingFile() throws Exception {
        ReplicaWriter replica = new ReplicaWriter(dir.resolve("replica"));
        replica.create(FILE, new byte[] {1, 2, 3, 4});
        replica.create(FILE, new byte[] {5, 6});
        replica.sync();
        assertArrayEquals(new byte[] {5, 6}, Files.readAllBytes(replicaFile()));
    }

    /** The first entry at or after {@code from} that continues a generation (offset above 0). */
    private static int indexOfContinuation(List<Entry> entries, int from) {
        for (int i = from; i < entries.size(); i++) {
            if (entries.get(i).offset() > 0) {
                return i;
            }
        }
        throw new AssertionError("no entry in mid-generation after " + from);
    }

    private static void apply(ReplicaWriter replica, Entry e) {
        try {
            replica.apply(FILE, e.offset(), e.bytes());
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
    }

    private static void apply(ReplicaWriter replica, List<Entry> entries) {
        entries.forEach(e -> apply(replica, e));
    }

    private Path replicaFile() {
        return dir.resolve("replica").resolve(FILE);
    }

    private String replicaDump() throws Exception {
        return ShippingLeader.dumpOfFile(replicaFile(), Files.createDirectories(dir.resolve("scratch")));
    }
}
