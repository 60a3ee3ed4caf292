package dev.cairn.storage;

import dev.cairn.storage.wal.WalRollback;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sqlite.SQLiteConfig;

/**
 * Owned by the test's thread: a leader's database as cluster mode runs it (SQLite in WAL mode,
 * synchronous NORMAL, autocheckpoint off), whose commits {@link WalShipper} ships as the Raft entries
 * carry them: the WAL offset and the bytes the commit appended.
 */
public final class ShippingLeader implements AutoCloseable {
    /** One shipped range of the WAL. */
    public record Entry(long offset, byte[] bytes) {
        public long end() {
            return offset + bytes.length;
        }
    }

    private final Path file;
    private final Connection connection;
    private final byte[] initialBytes;
    private final WalShipper shipper;
    private final List<Entry> shipped = new ArrayList<>();

    public ShippingLeader(Path file, int pageSize) throws SQLException, IOException {
        this.file = file;
        Files.createDirectories(file.getParent());
        SQLiteConfig config = new SQLiteConfig();
        config.setPageSize(pageSize);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        connection = config.createConnection("jdbc:sqlite:" + file);
        execute("PRAGMA wal_autocheckpoint = 0");
        initialBytes = Files.readAllBytes(file);
        shipper = new WalShipper(file, List.of(), (wal, start, end, alarm) -> {
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(end - start));
            while (b.hasRemaining()) {
                wal.read(b, start + b.position());
            }
            shipped.add(new Entry(start, b.array()));
            return CompletableFuture.completedFuture(null);
        });
    }

    public ShippingLeader(Path file) throws SQLException, IOException {
        this(file, 4096);
    }

    public Path file() {
        return file;
    }

    /** The file's bytes as the leader opened it: a new file's first entry carries them. */
    public byte[] initialBytes() {
        return initialBytes;
    }

    /** Commits {@code statements} as one transaction and returns what that commit shipped. */
    public List<Entry> commit(String... statements) throws SQLException, IOException {
        int before = shipped.size();
        if (statements.length == 1 && statements[0].startsWith("VACUUM")) {
            execute(statements[0]);
        } else {
            connection.setAutoCommit(false);
            for (String sql : statements) {
                execute(sql);
            }
            connection.commit();
            connection.setAutoCommit(true);
        }
        shipper.ship(AlarmChange.UNCHANGED);
        return List.copyOf(shipped.subList(before, shipped.size()));
    }

    /** Every entry shipped so far, in order. */
    public List<Entry> shipped() {
        return List.copyOf(shipped);
    }

    /** How far the WAL is committed after the last commit: its generation's salts and end. */
    public WalRollback.Committed.Through committedSoFar() throws IOException {
        return new WalRollback.Committed.Through(walSalts(), shipped.getLast().end());
    }

    /** The salts of the WAL's current generation, as a big-endian long (header bytes 16-23). */
    public long walSalts() throws IOException {
        try (FileChannel wal = FileChannel.open(Path.of(file + "-wal"))) {
            ByteBuffer salts = ByteBuffer.allocate(8);
            wal.read(salts, 16);
            return salts.getLong(0);
        }
    }

    public void execute(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            if (st.execute(sql)) {
                st.getResultSet().close();
            }
        }
    }

    public long pageCount() throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA page_count")) {
            return rs.getLong(1);
        }
    }

    /** The database as the leader sees it (WAL included). */
    public String dump() throws SQLException {
        return dump(connection);
    }

    /** Closes the connection: SQLite checkpoints the WAL into the file and deletes it. */
    @Override
    public void close() throws SQLException, IOException {
        shipper.releaseWalIndex();
        shipper.close(() -> {
            try {
                connection.close();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Every table's rows in rowid order, after the schema, then SQLite's integrity check: equal dumps
     * mean equal content. Blobs appear as their length and hash.
     */
    public static String dump(Connection c) throws SQLException {
        StringBuilder out = new StringBuilder();
        List<String> tables = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT type, name, sql FROM sqlite_master ORDER BY name")) {
            while (rs.next()) {
                out.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(": ").append(rs.getString(3)).append('\n');
                if (rs.getString(1).equals("table")) {
                    tables.add(rs.getString(2));
                }
            }
        }
        for (String table : tables) {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT rowid, * FROM \"" + table + "\" ORDER BY rowid")) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    out.append(table).append(':');
                    for (int i = 1; i <= columns; i++) {
                        Object v = rs.getObject(i);
                        out.append(' ').append(v instanceof byte[] b ? "blob(" + b.length + "," + Arrays.hashCode(b) + ")" : v);
                    }
                    out.append('\n');
                }
            }
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            out.append("integrity_check: ").append(rs.getString(1)).append('\n');
        }
        return out.toString();
    }

    /** The dump of a database file on its own (no WAL), read from a copy so that SQLite never touches the original. */
    public static String dumpOfFile(Path databaseFile, Path scratch) throws SQLException, IOException {
        Path copy = Files.createTempDirectory(scratch, "copy").resolve("copy.sqlite");
        Files.copy(databaseFile, copy);
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + copy)) {
            return dump(c);
        }
    }
}
