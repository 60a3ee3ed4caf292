package dev.cairn.storage.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storage.ShippingLeader;
import dev.cairn.storage.wal.WalRollback.Committed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteConfig;

/**
 * A database whose last commits did not replicate goes back to exactly its replicated commits: read
 * while its connection is open, restored after it closed, whether closing checkpointed the unreplicated
 * commits into the file or left the WAL behind.
 */
class WalRollbackTest {
    private static final String A = "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, data BLOB)";
    private static final String B = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)"
            + " INSERT INTO t(v, data) SELECT 'b' || i, randomblob(300) FROM n";
    /** Grows the file well beyond what A and B left. */
    private static final String C = "INSERT INTO t(v, data) VALUES ('c', randomblob(200000))";

    @TempDir
    Path dir;

    /** What the connection's close did with the WAL. */
    enum Close {
        /** The usual: the last connection checkpoints everything (the unreplicated commits too) and deletes the WAL. */
        CHECKPOINTS,
        /** The WAL and the file as they were before closing (a close that could not checkpoint). */
        LEAVES_THE_WAL
    }

    @ParameterizedTest
    @EnumSource(Close.class)
    void anUnreplicatedCommitThatGrewTheFileIsUndone(Close close) throws Exception {
        Path file = dir.resolve("db/object.sqlite");
        ShippingLeader leader = new ShippingLeader(file);
        leader.commit(A);
        leader.commit(B);
        String replicated = leader.dump();
        Committed committed = leader.committedSoFar();
        leader.commit(C);

        Path restored = rollBack(leader, committed, close);

        assertEquals(replicated, dumpOf(restored));
        assertEquals(pageCountOf(restored) * 4096, Files.size(restored), "the file is cut to the replicated size");
        assertStillWorks(restored);
    }

    @ParameterizedTest
    @EnumSource(Close.class)
    void unreplicatedCommitsThatShrankTheFileAreUndone(Close close) throws Exception {
        Path file = dir.resolve("db/object.sqlite");
        ShippingLeader leader = new ShippingLeader(file);
        leader.commit(A);
        leader.commit(B, C);
        String replicated = leader.dump();
        Committed committed = leader.committedSoFar();
        // Acknowledged, so checkpointed: the file holds the pages the shrinking commits cut off.
        leader.execute("PRAGMA wal_checkpoint(PASSIVE)");
        long replicatedSize = Files.size(file);
        leader.commit("DELETE FROM t WHERE v = 'c'");
        leader.commit("VACUUM");

        Path restored = rollBack(leader, committed, close);

        assertEquals(replicated, dumpOf(restored));
        assertEquals(replicatedSize, Files.size(restored));
        assertStillWorks(restored);
    }

    @ParameterizedTest
    @EnumSource(Close.class)
    void anUnreplicatedFirstCommitOfANewWalGenerationIsUndone(Close close) throws Exception {
        for (String checkpoint : new String[] {"TRUNCATE", "PASSIVE"}) {
            Path file = dir.resolve(checkpoint + "/object.sqlite");
            ShippingLeader leader = new ShippingLeader(file);
            leader.commit(A);
            leader.commit(B);
            Committed committed = leader.committedSoFar();
            // Acknowledged, so checkpointed: the next commit starts the WAL again with new salts.
            leader.execute("PRAGMA wal_checkpoint(" + checkpoint + ")");
            String replicated = leader.dump();
            leader.commit(C);
            leader.commit("UPDATE t SET v = 'changed'");
            assertTrue(leader.walSalts() != ((Committed.Through) committed).salts(), "a new WAL generation");

            Path restored = rollBack(leader, committed, close);

            assertEquals(replicated, dumpOf(restored), "after a " + checkpoint + " checkpoint");
            assertStillWorks(restored);
        }
    }

    @ParameterizedTest
    @EnumSource(Close.class)
    void aNewDatabaseWhoseFirstCommitDidNotReplicateIsEmptyAgain(Close close) throws Exception {
        Path file = dir.resolve("db/object.sqlite");
        ShippingLeader leader = new ShippingLeader(file);
        String empty = leader.dump();
        leader.commit(A);
        leader.commit(B);

        Path restored = rollBack(leader, new Committed.Nothing(), close);

        assertEquals(empty, dumpOf(restored));
        assertEquals(leader.initialBytes().length, Files.size(restored));
        try (Connection c = open(restored); Statement st = c.createStatement()) {
            st.execute(A);
            st.execute("INSERT INTO t(v) VALUES ('works')");
        }
    }

    @Test
    void aCommittedEndInsideATransactionIsRefused() throws Exception {
        Path file = dir.resolve("db/object.sqlite");
        try (ShippingLeader leader = new ShippingLeader(file)) {
            leader.commit(A);
            leader.commit(B);
            Committed.Through committed = leader.committedSoFar();
            Committed.Through inside = new Committed.Through(committed.salts(), committed.end() - 4120);
            var e = assertThrows(IllegalArgumentException.class, () -> WalRollback.prepare(file, inside));
            assertEquals("committed end " + inside.end() + " is not the end of a transaction in " + file + "-wal"
                    + " (the last one ending by it ends at " + leader.shipped().getFirst().end() + ")", e.getMessage());
            var notAFrame = assertThrows(IllegalArgumentException.class,
                    () -> WalRollback.prepare(file, new Committed.Through(committed.salts(), 100)));
            assertEquals("committed end 100 is not a frame boundary of " + file + "-wal (32 + n * 4120)", notAFrame.getMessage());
        }
    }

    /**
     * Rolls the leader's file back to {@code committed}: prepared while the connection is open, restored
     * after it closed; for {@link Close#LEAVES_THE_WAL} on a copy of the file and WAL taken before the close.
     */
    private Path rollBack(ShippingLeader leader, Committed committed, Close close) throws Exception {
        Path file = leader.file();
        return switch (close) {
            case CHECKPOINTS -> {
                WalRollback rollback = WalRollback.prepare(file, committed);
                leader.close();
                assertTrue(Files.notExists(Path.of(file + "-wal")), "closing checkpointed and deleted the WAL");
                rollback.restore();
                yield file;
            }
            case LEAVES_THE_WAL -> {
                Path copy = Files.createDirectories(file.getParent().resolve("left")).resolve(file.getFileName());
                Files.copy(file, copy);
                Files.copy(Path.of(file + "-wal"), Path.of(copy + "-wal"));
                Files.copy(Path.of(file + "-shm"), Path.of(copy + "-shm"));
                leader.close();
                WalRollback rollback = WalRollback.prepare(copy, committed);
                rollback.restore();
                yield copy;
            }
        };
    }

    private static String dumpOf(Path file) throws Exception {
        assertTrue(Files.notExists(Path.of(file + "-wal")) && Files.notExists(Path.of(file + "-shm")),
                "the restore deleted the WAL and its index");
        try (Connection c = open(file)) {
            return ShippingLeader.dump(c);
        }
    }

    private static long pageCountOf(Path file) throws Exception {
        try (Connection c = open(file); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA page_count")) {
            return rs.getLong(1);
        }
    }

    /** SQLite opens the restored file in WAL mode again and commits to it. */
    private static void assertStillWorks(Path file) throws Exception {
        try (Connection c = open(file); Statement st = c.createStatement()) {
            st.execute("INSERT INTO t(v, data) VALUES ('after', randomblob(100000))");
            st.execute("DELETE FROM t WHERE v = 'b1'");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM t WHERE v = 'after'")) {
                assertEquals(1, rs.getInt(1));
            }
        }
        try (Connection c = open(file); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            assertEquals("ok", rs.getString(1));
        }
    }

    private static Connection open(Path file) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        return config.createConnection("jdbc:sqlite:" + file);
    }
}
