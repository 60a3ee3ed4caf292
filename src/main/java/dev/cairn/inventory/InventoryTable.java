package dev.cairn.inventory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;
import org.sqlite.SQLiteConfig;

/**
 * Owned by the inventory's thread: the {@code objects} table and its statements, one transaction open
 * at a time ({@link #commit}). {@code open} is 1 from before an activation opens the database until its
 * close is flushed.
 */
final class InventoryTable {
    private static final Logger LOG = Logger.getLogger(InventoryTable.class);
    /** The last code point: every name that starts with a prefix sorts below the prefix followed by it. */
    private static final String AFTER_EVERY_NAME = new String(Character.toChars(Character.MAX_CODE_POINT));

    /** Work run on the inventory's thread inside its batch's transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(InventoryTable table) throws SQLException;
    }

    /** How a change moved a namespace's totals. */
    record Delta(long objects, long bytes) {}

    /** Opens the inventory's database: at the start, and again after a batch failed. */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;
    /** Null after a failed batch until the next statement opens the database again. */
    private Connection connection;
    private final boolean createdNow;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    InventoryTable(Path file) {
        this(() -> open(file));
    }

    /** The table in the database {@code opener} opens, created when missing. */
    InventoryTable(Opener opener) {
        this.opener = opener;
        try {
            Connection c = connection();
            try (Statement st = c.createStatement()) {
                boolean exists;
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'objects'")) {
                    exists = rs.next() && rs.getInt(1) > 0;
                }
                st.execute("""
                        CREATE TABLE IF NOT EXISTS objects (
                            namespace TEXT NOT NULL,
                            object_id TEXT NOT NULL,
                            name TEXT,
                            bytes INTEGER NOT NULL DEFAULT 0,
                            last_write_ms INTEGER,
                            open INTEGER NOT NULL DEFAULT 0,
                            PRIMARY KEY (namespace, object_id)) WITHOUT ROWID""");
                st.execute("CREATE INDEX IF NOT EXISTS objects_by_name ON objects (namespace, name, object_id) WHERE name IS NOT NULL");
                st.execute("CREATE INDEX IF NOT EXISTS objects_open ON objects (open) WHERE open = 1");
                this.createdNow = !exists;
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the inventory's table: " + e.getMessage(), e);
        }
    }

    private static Connection open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL: a commit survives the process being killed; what a power loss takes is refreshed from
        // the files at the next start, like any row left open.
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(5_000);
        config.setGetGeneratedKeys(false);
        try {
            return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        } catch (SQLException e) {
            throw new SQLException("cannot open the inventory " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** The open database, in a transaction (opened again after a failed batch). */
    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = opener.open();
            c.setAutoCommit(false);
            connection = c;
        }
        return connection;
    }

    /** Whether the table did not exist before this start. */
    boolean createdNow() {
        return createdNow;
    }

    /** The row exists and is marked open; its name is set when given and the row has none. */
    Delta open(String namespace, String id, Optional<String> name) throws SQLException {
        PreparedStatement insert = statement("""
                INSERT INTO objects (namespace, object_id, name, open) VALUES (?, ?, ?, 1)
                ON CONFLICT (namespace, object_id) DO UPDATE SET open = 1, name = coalesce(name, excluded.name)""");
        boolean existed = find(namespace, id).isPresent();
        insert.setString(1, namespace);
        insert.setString(2, id);
        insert.setString(3, name.orElse(null));
        insert.executeUpdate();
        return new Delta(existed ? 0 : 1, 0);
    }

    /**
     * Updates what is given of an existing row (a row since removed stays removed); {@code closes}
     * clears its open mark. Returns how many bytes the row gained.
     */
    long update(String namespace, String id, Optional<String> name, OptionalLong bytes, OptionalLong lastWriteMillis, boolean closes)
            throws SQLException {
        Optional<StoredObject> before = find(namespace, id);
        if (before.isEmpty()) {
            return 0;
        }
        PreparedStatement p = statement("""
                UPDATE objects SET name = coalesce(name, ?), bytes = coalesce(?, bytes), last_write_ms = coalesce(?, last_write_ms),
                    open = CASE WHEN ? THEN 0 ELSE open END
                WHERE namespace = ? AND object_id = ?""");
        p.setString(1, name.orElse(null));
        setOptional(p, 2, bytes);
        setOptional(p, 3, lastWriteMillis);
        p.setBoolean(4, closes);
        p.setString(5, namespace);
        p.setString(6, id);
        p.executeUpdate();
        return bytes.isPresent() ? bytes.getAsLong() - before.get().bytes() : 0;
    }

    /** {@code from}'s rows become {@code to}'s; returns how many. */
    int renameNamespace(String from, String to) throws SQLException {
        PreparedStatement p = statement("UPDATE OR REPLACE objects SET namespace = ? WHERE namespace = ?");
        p.setString(1, to);
        p.setString(2, from);
        return p.executeUpdate();
    }

    /** Removes {@code namespace}'s rows; returns how many. */
    int removeNamespace(String namespace) throws SQLException {
        PreparedStatement p = statement("DELETE FROM objects WHERE namespace = ?");
        p.setString(1, namespace);
        return p.executeUpdate();
    }

    /** Removes the row; returns what the namespace's totals lost. */
    Delta remove(String namespace, String id) throws SQLException {
        Optional<StoredObject> before = find(namespace, id);
        if (before.isEmpty()) {
            return new Delta(0, 0);
        }
        PreparedStatement p = statement("DELETE FROM objects WHERE namespace = ? AND object_id = ?");
        p.setString(1, namespace);
        p.setString(2, id);
        p.executeUpdate();
        return new Delta(-1, -before.get().bytes());
    }

    Optional<StoredObject> find(String namespace, String id) throws SQLException {
        PreparedStatement p = statement("SELECT namespace, object_id, name, bytes, last_write_ms FROM objects WHERE namespace = ? AND object_id = ?");
        p.setString(1, namespace);
        p.setString(2, id);
        List<StoredObject> rows = rows(p);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    /** Rows still marked open (their activation's close was never flushed: the node stopped without it). */
    List<StoredObject> openRows() throws SQLException {
        return rows(statement("SELECT namespace, object_id, name, bytes, last_write_ms FROM objects WHERE open = 1"));
    }

    List<StoredObject> page(String namespace, Optional<String> namePrefix, Optional<PageCursor> after, int limit) throws SQLException {
        PreparedStatement p;
        if (namePrefix.isEmpty()) {
            p = statement("""
                    SELECT namespace, object_id, name, bytes, last_write_ms FROM objects
                    WHERE namespace = ? AND object_id > ? ORDER BY object_id LIMIT ?""");
            p.setString(1, namespace);
            p.setString(2, after.map(a -> ((PageCursor.AfterId) a).id()).orElse(""));
            p.setInt(3, limit);
        } else {
            p = statement("""
                    SELECT namespace, object_id, name, bytes, last_write_ms FROM objects
                    WHERE namespace = ? AND name >= ? AND name < ? AND (name, object_id) > (?, ?)
                    ORDER BY name, object_id LIMIT ?""");
            String prefix = namePrefix.get();
            p.setString(1, namespace);
            p.setString(2, prefix);
            p.setString(3, prefix + AFTER_EVERY_NAME);
            PageCursor.AfterName a = after.map(c -> (PageCursor.AfterName) c).orElse(new PageCursor.AfterName(prefix, ""));
            p.setString(4, a.name());
            p.setString(5, a.id());
            p.setInt(6, limit);
        }
        return rows(p);
    }

    Map<String, NamespaceTotals> totals() throws SQLException {
        Map<String, NamespaceTotals> totals = new HashMap<>();
        try (ResultSet rs = statement("SELECT namespace, count(*), sum(bytes) FROM objects GROUP BY namespace").executeQuery()) {
            while (rs.next()) {
                totals.put(rs.getString(1), new NamespaceTotals(rs.getLong(2), rs.getLong(3)));
            }
        }
        return Map.copyOf(totals);
    }

    void commit() throws SQLException {
        connection().commit();
    }

    /**
     * Undoes the batch and closes the database; the next statement opens it again. Kept open, it failed
     * every later batch once a write had found the disk full, long after the disk had room again:
     * sqlite-jdbc finalizes a statement whose step fails with anything but a busy, locked, misuse or
     * constraint error ("statement is not executing" ever after), and when SQLite has rolled the
     * transaction back by itself (it does on a full disk) the driver's rollback fails before it begins
     * the next transaction, so the next batch's writes would commit one by one, outside any batch.
     */
    void rollback() {
        forgetStatements();
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debugf("inventory: rollback: %s", e.getMessage()); // SQLite rolled back already, or the connection is broken
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debugf("inventory: closing after a failed batch: %s", e.getMessage());
        }
        connection = null;
    }

    private void forgetStatements() {
        statements.values().forEach(p -> {
            try {
                p.close();
            } catch (SQLException ignored) {
                // Closing anyway.
            }
        });
        statements.clear();
    }

    void close() {
        forgetStatements();
        if (connection == null) {
            return;
        }
        try {
            connection.commit();
            connection.close();
        } catch (SQLException e) {
            LOG.warn("inventory: closing the file failed", e);
        }
    }

    private static List<StoredObject> rows(PreparedStatement p) throws SQLException {
        List<StoredObject> rows = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                long lastWrite = rs.getLong(5);
                OptionalLong written = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(lastWrite);
                rows.add(new StoredObject(rs.getString(1), rs.getString(2), Optional.ofNullable(rs.getString(3)), rs.getLong(4), written));
            }
        }
        return rows;
    }

    private static void setOptional(PreparedStatement p, int index, OptionalLong value) throws SQLException {
        if (value.isPresent()) {
            p.setLong(index, value.getAsLong());
        } else {
            p.setNull(index, java.sql.Types.INTEGER);
        }
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement p = statements.get(sql);
        if (p == null) {
            p = connection().prepareStatement(sql);
            statements.put(sql, p);
        }
        return p;
    }
}
