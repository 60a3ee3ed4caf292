package dev.cairn.replication.snapshots;

import dev.cairn.replication.commits.Entry;
import dev.cairn.storage.AlarmChange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * Owned by the test's thread: one object's database as a group leader runs it (SQLite in WAL mode,
 * autocheckpoint off), each commit turned into the {@link Entry} the leader would replicate: the WAL
 * bytes it appended (from the WAL's start after a truncating checkpoint), and a new file's bytes with
 * its first commit. Checkpoints other than {@code TRUNCATE} are not supported (they restart the WAL in place).
 */
final class CommittingLeader implements AutoCloseable {
    private final String file;
    private final Path path;
    private final Connection connection;
    private byte[] initialBytes;
    private long shipped;
    private long sequence;

    /** A new database at {@code file} (relative to {@code dataDir}). */
    CommittingLeader(Path dataDir, String file) throws SQLException, IOException {
        this.file = file;
        this.path = dataDir.resolve(file);
        Files.createDirectories(path.getParent());
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        connection = config.createConnection("jdbc:sqlite:" + path);
        execute("PRAGMA wal_autocheckpoint = 0");
        initialBytes = Files.readAllBytes(path);
    }

    /** Runs {@code statements} as one transaction; the entry its commit replicates. */
    Entry commit(String... statements) throws SQLException, IOException {
        connection.setAutoCommit(false);
        for (String sql : statements) {
            execute(sql);
        }
        connection.commit();
        connection.setAutoCommit(true);
        Path wal = Path.of(path + "-wal");
        long end = Files.size(wal);
        long start = end < shipped ? 0 : shipped;
        byte[] bytes = new byte[Math.toIntExact(end - start)];
        try (FileChannel c = FileChannel.open(wal)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                c.read(b, start + b.position());
            }
        }
        shipped = end;
        sequence++;
        if (initialBytes != null) {
            byte[] database = initialBytes;
            initialBytes = null;
            return Entry.newFile(1, sequence, file, database, bytes, AlarmChange.UNCHANGED);
        }
        return Entry.wal(1, sequence, file, start, bytes, AlarmChange.UNCHANGED);
    }

    /** Checkpoints the whole WAL into the file and truncates it: the next commit starts a new WAL. */
    void checkpointTruncating() throws SQLException {
        execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    private void execute(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            if (st.execute(sql)) {
                st.getResultSet().close();
            }
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
