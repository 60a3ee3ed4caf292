package dev.cairn.storage.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.storage.ShippingLeader;
import dev.cairn.storage.wal.WalFrames.Scan;
import dev.cairn.storage.wal.WalFrames.Stop;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite's WAL read as SQLite reads it: up to the first frame that does not continue its salts and checksums. */
class WalFramesTest {
    private static final int FRAME = 4096 + 24;

    @TempDir
    Path dir;

    @Test
    void readsTheTransactionsSqliteWrote() throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("db.sqlite"))) {
            leader.commit("CREATE TABLE t(v)");
            leader.commit("INSERT INTO t VALUES (randomblob(10000))");
            leader.commit("INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)");
            ByteBuffer wal = walOf(leader);

            WalFrames.Chain.Checksummed chain = WalFrames.header(wal);
            Scan scan = WalFrames.scan(chain, List.of(), wal.slice(32, wal.capacity() - 32));

            assertEquals(4096, chain.pageSize());
            assertEquals(leader.walSalts(), chain.salts());
            assertEquals(ByteBuffer.wrap(Files.readAllBytes(Path.of(leader.file() + "-shm"))).getLong(32), chain.salts(),
                    "the WAL-index header (-shm) holds the same salt bytes at 32-39");
            assertEquals(3, scan.complete().size());
            assertEquals(List.of(2, 4, 1), scan.complete().stream().map(t -> t.frames().size()).toList());
            assertEquals(List.of(2L, 4L, 4L), scan.complete().stream().map(WalFrames.Transaction::databasePages).toList(),
                    "each commit frame records the database size after it");
            assertEquals(leader.pageCount(), scan.complete().getLast().databasePages());
            assertEquals(List.of(), scan.open());
            assertInstanceOf(Stop.Exhausted.class, scan.stop());
            assertEquals(wal.capacity() - 32, scan.read());
        }
    }

    @Test
    void aTornFrameEndsTheLog() throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("db.sqlite"))) {
            leader.commit("CREATE TABLE t(v)");
            leader.commit("INSERT INTO t VALUES (randomblob(10000))");
            ByteBuffer wal = walOf(leader);
            int lastFramesPage = wal.capacity() - 100;
            wal.put(lastFramesPage, (byte) (wal.get(lastFramesPage) ^ 1));

            Scan scan = WalFrames.scan(WalFrames.header(wal), List.of(), wal.slice(32, wal.capacity() - 32));

            assertEquals(1, scan.complete().size());
            assertEquals(3, scan.open().size(), "the second transaction's frames before the torn one, never committed");
            assertEquals(new Stop.Invalid("its checksum does not continue the WAL's (a torn or damaged write)"), scan.stop());
            assertEquals(5 * FRAME, scan.read());
        }
    }

    @Test
    void framesLeftFromBeforeTheWalRestartedEndTheLog() throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("db.sqlite"))) {
            leader.commit("CREATE TABLE t(v)");
            leader.commit("INSERT INTO t VALUES (randomblob(10000))");
            leader.execute("PRAGMA wal_checkpoint(PASSIVE)");
            leader.commit("INSERT INTO t VALUES (1)");
            ByteBuffer wal = walOf(leader);

            Scan scan = WalFrames.scan(WalFrames.header(wal), List.of(), wal.slice(32, wal.capacity() - 32));

            assertEquals(32 + 6 * FRAME, wal.capacity(), "SQLite wrote the new generation over the old one's start");
            assertEquals(1, scan.complete().size());
            assertInstanceOf(Stop.Invalid.class, scan.stop());
            assertEquals("its salts are not those of the WAL generation it should continue"
                    + " (a frame left from before the WAL restarted, or not a WAL frame)", ((Stop.Invalid) scan.stop()).why());
        }
    }

    @Test
    void framesReadWithoutTheirHeaderAreMatchedOnTheirSalts() throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("db.sqlite"))) {
            leader.commit("CREATE TABLE t(v)");
            leader.commit("INSERT INTO t VALUES (randomblob(10000))");
            leader.commit("INSERT INTO t VALUES (1)");
            ByteBuffer wal = walOf(leader);
            ByteBuffer fromSecond = wal.slice(32 + 2 * FRAME, wal.capacity() - 32 - 2 * FRAME);

            Scan scan = WalFrames.scan(WalFrames.salted(4096, fromSecond), List.of(), fromSecond);

            assertEquals(List.of(4, 1), scan.complete().stream().map(t -> t.frames().size()).toList());
            assertInstanceOf(Stop.Exhausted.class, scan.stop());
        }
    }

    @Test
    void bytesThatAreNoWalHeaderAreRefusedSayingWhy() throws Exception {
        try (ShippingLeader leader = new ShippingLeader(dir.resolve("db.sqlite"))) {
            leader.commit("CREATE TABLE t(v)");
            ByteBuffer wal = walOf(leader);

            assertEquals("a WAL starts with a 32-byte header, got only 20 bytes",
                    assertThrows(IllegalArgumentException.class, () -> WalFrames.header(wal.slice(0, 20))).getMessage());
            ByteBuffer damaged = copy(wal);
            damaged.put(13, (byte) 0x55);
            assertEquals("the WAL header's checksum does not match its content: the header is damaged",
                    assertThrows(IllegalArgumentException.class, () -> WalFrames.header(damaged)).getMessage());
            ByteBuffer pageSize = copy(wal);
            pageSize.putInt(8, 1000);
            assertEquals("WAL header names page size 1000, expected a power of two from 512 to 65536",
                    assertThrows(IllegalArgumentException.class, () -> WalFrames.header(pageSize)).getMessage());
            ByteBuffer database = ByteBuffer.wrap(leader.initialBytes());
            assertEquals("not a SQLite WAL header: magic number 0x53514c69, expected 0x377f0682 or 0x377f0683",
                    assertThrows(IllegalArgumentException.class, () -> WalFrames.header(database)).getMessage());
        }
    }

    private static ByteBuffer walOf(ShippingLeader leader) throws Exception {
        return ByteBuffer.wrap(Files.readAllBytes(Path.of(leader.file() + "-wal")));
    }

    private static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.wrap(b.array().clone());
    }
}
