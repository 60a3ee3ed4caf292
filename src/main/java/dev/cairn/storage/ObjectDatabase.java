package dev.cairn.storage;

import dev.cairn.api.CairnException;
import dev.cairn.api.SqlCursor;
import dev.cairn.api.StorageException;
import dev.cairn.storage.sql.QueryAnswer;
import dev.cairn.storage.sql.ReadOnlyQuery;
import dev.cairn.storage.sql.SqliteErrors;
import dev.cairn.storage.sql.StatementCursor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;
import org.sqlite.core.Codes;
import org.sqlite.core.CoreStatement;

/**
 * Owned by the object's thread: one object's SQLite file, the entry point of this package.
 *
 * <p>Its parts: the {@link BatchTransaction} around each batch of events; the object's own SQL
 * ({@link UserSql}); Cairn's tables ({@link KeyValueTable}, {@link AlarmTable}, {@link SocketTable},
 * all {@code _cairn_*}, created by their first write); the storage limit, checked after each write;
 * and, when commits need more than SQLite's own write, the {@link WalShipper} that makes them durable
 * through a {@link CommitSink}.
 *
 * <p>Longer than 400 lines on purpose: it is the one owner of the object's connection, through which
 * every part above is reached; each method is the few lines that hand the connection to a part.
 */
public final class ObjectDatabase implements AutoCloseable {
    /** Bytes a row takes beyond its values (record header, key-value columns). */
    private static final int ROW_OVERHEAD = 64;
    /** Below this much free space a file system counts as full: SQLite needs a few pages to open a database. */
    private static final long NO_ROOM_BYTES = 1 << 20;

    private final SQLiteConnection connection;
    private final StorageLimits limits;
    private final SqliteErrors errors;
    private final BatchTransaction transaction;
    private final UserSql sql;
    private final KeyValueTable kv;
    private final AlarmTable alarm;
    /** Null when commits need nothing beyond SQLite's own write (relaxed durability). */
    private final WalShipper shipper;
    private final Path file;
    private final long pageSize;
    private final PreparedStatement pageCount;
    /** Cairn's own statements (its tables, nested transactions): a small fixed set, prepared once. */
    private final Map<String, PreparedStatement> engineStatements = new HashMap<>();
    /** A batch was committed and not yet made durable. */
    private boolean unsyncedCommit;
    /** {@code total_changes} when the size was last checked against the storage limit. */
    private long changesAtSizeCheck;
    /** A write of this event went past the storage limit: it fails unless a rollback undid that. */
    private boolean overLimit;

    private ObjectDatabase(SQLiteConnection connection, Path file, List<Path> createdDirectories, StorageLimits limits,
            ValueCodec codec, Optional<CommitSink.Appender> appender) throws SQLException {
        this.connection = connection;
        this.file = file;
        this.limits = limits;
        this.errors = new SqliteErrors(limits.sqlLimits());
        this.transaction = new BatchTransaction(connection);
        this.pageCount = connection.prepareStatement("PRAGMA page_count");
        try (var st = connection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA page_size")) {
            rs.next();
            this.pageSize = rs.getLong(1);
        }
        applyLimits();
        this.sql = new UserSql(connection, this, limits);
        this.kv = new KeyValueTable(this, codec, limits);
        this.alarm = new AlarmTable(this);
        this.shipper = appender.map(a -> new WalShipper(file, createdDirectories, a)).orElse(null);
    }

    /**
     * SQLite enforces the SQL limits itself (the errors are renamed by {@link SqliteErrors}). The
     * page cap is a backstop above the storage limit: the limit itself is checked after each write,
     * because SQLite answers a full database by rolling back the whole transaction, which would take
     * the other calls of a group commit with it. One row is at most the value limit, so a statement
     * that starts under the limit cannot reach the backstop.
     */
    private void applyLimits() throws SQLException {
        connection.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, limits.sqlMaxValueBytes());
        connection.setLimit(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, limits.sqlMaxStatementBytes());
        connection.setLimit(SQLiteLimits.SQLITE_LIMIT_COLUMN, limits.sqlMaxColumns());
        connection.setLimit(SQLiteLimits.SQLITE_LIMIT_VARIABLE_NUMBER, limits.sqlMaxParameters());
        connection.setLimit(SQLiteLimits.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, limits.sqlMaxLikePatternBytes());
        connection.setLimit(SQLiteLimits.SQLITE_LIMIT_FUNCTION_ARG, limits.sqlMaxFunctionArgs());
        long headroom = 4L * (Math.max(limits.sqlMaxValueBytes(), limits.kvMaxEntryBytes()) + ROW_OVERHEAD) + (1 << 20);
        long maxPages = (limits.maxBytesPerObject() + headroom) / pageSize + 1;
        try (var st = connection.createStatement()) {
            st.execute("PRAGMA max_page_count = " + maxPages);
        }
    }

    /** Opens (creating if needed) the database in WAL mode, its commits made durable through {@code sink}. */
    public static ObjectDatabase open(Path path, StorageLimits limits, ValueCodec codec, CommitSink sink) {
        Path file = path.toAbsolutePath();
        try {
            List<Path> created = new ArrayList<>();
            if (!Files.exists(file)) {
                created.add(file.getParent());
                for (Path dir = file.getParent(); dir != null && !Files.isDirectory(dir); dir = dir.getParent()) {
                    created.add(dir.getParent());
                }
                Files.createDirectories(file.getParent());
            }
            Optional<CommitSink.Appender> appender = sink.appenderFor(file);
            try {
                return open(file, created, appender, limits, codec);
            } catch (Exception | Error e) {
                appender.ifPresent(CommitSink.Appender::closed); // opened for nothing: the sink forgets it
                throw e;
            }
        } catch (CairnException e) {
            throw e; // the sink refused the file (a replicated sink on a node that no longer leads its group)
        } catch (Exception e) {
            Optional<SqliteErrors.DiskFault> fault = SqliteErrors.diskFault(e);
            if (fault.isPresent()) {
                // A full disk fails the opening of a WAL database as an I/O error (its shared-memory file cannot grow).
                throw SqliteErrors.diskFailed(fault.get() == SqliteErrors.DiskFault.IO_ERROR && noRoomIn(file.getParent())
                        ? SqliteErrors.DiskFault.FULL : fault.get(), "the database " + file + " could not be opened, nothing ran", e);
            }
            throw new StorageException("cannot open database " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether the file system holding {@code dir} has (next to) no room left. */
    private static boolean noRoomIn(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace() < NO_ROOM_BYTES;
        } catch (IOException e) {
            return false;
        }
    }

    private static ObjectDatabase open(Path file, List<Path> created, Optional<CommitSink.Appender> appender, StorageLimits limits,
            ValueCodec codec) throws SQLException {
        boolean rolledBack = appender.map(a -> a.failedCommits() == CommitSink.FailedCommits.ROLLED_BACK).orElse(false);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // A sink that rolls back failed commits keeps the durable copies elsewhere: the file needs no
        // fsync of its own.
        config.setSynchronous(rolledBack ? SQLiteConfig.SynchronousMode.OFF : SQLiteConfig.SynchronousMode.NORMAL);
        if (appender.isPresent()) {
            // Cairn checkpoints, after a commit is durable and after telling the appender (see WalShipper):
            // SQLite must not checkpoint frames before the sink has them, nor restart the WAL over bytes
            // an appender has yet to read.
            config.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "0");
        }
        // Always on, as on Cloudflare: every call runs in a transaction, where SQLite cannot switch them (see SqlPragma).
        config.enforceForeignKeys(true);
        config.setBusyTimeout(5_000);
        // Cairn never asks for generated keys; otherwise sqlite-jdbc queries for them after every insert.
        config.setGetGeneratedKeys(false);
        Connection c = config.createConnection("jdbc:sqlite:" + file);
        try {
            return new ObjectDatabase((SQLiteConnection) c, file, created, limits, codec, appender);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The next event starts; {@code isolated} when it shares the batch with others. */
    public void eventStarting(boolean isolated) {
        transaction.eventStarting(isolated);
        overLimit = false;
    }

    /**
     * The event returned: keep its writes in the batch, unless they leave the database over its limit
     * or break a foreign key it deferred (then this throws, and the caller undoes the event with
     * {@link #eventFailed()}).
     */
    public void eventSucceeded() throws SQLException {
        sql.eventEnding();
        if (overLimit) {
            long size = size();
            if (size > limits.maxBytesPerObject()) {
                throw errors.storageLimitExceeded(size, null);
            }
            overLimit = false;
        }
        sql.checkDeferredForeignKeys();
        transaction.eventSucceeded();
        sql.resetCallSettings();
    }

    /** The event threw: undo its writes, and only its writes. */
    public void eventFailed() throws SQLException {
        overLimit = false;
        sql.eventEnding();
        transaction.eventFailed();
        sql.resetCallSettings();
    }

    /**
     * Commits the batch to the WAL (not yet durable: see {@link #makeDurable}). Throws when it could not;
     * the batch is then rolled back. Returns whether the batch wrote anything.
     */
    public boolean commit() throws SQLException {
        if (transaction.commit()) {
            unsyncedCommit = true;
            return true;
        }
        return false;
    }

    /**
     * Makes every commit so far durable (see {@link WalShipper}); blocks the calling virtual thread until
     * it is. Returns whether the sink took any bytes: false when the batch changed nothing (a read, a
     * {@code CREATE TABLE IF NOT EXISTS} of a table that exists), so that its answer still needs
     * confirming (see {@code Placement.confirmHere}). {@code alarm}: what the commits did to the alarm.
     */
    public boolean makeDurable(AlarmChange alarm) throws IOException {
        if (!unsyncedCommit) {
            return false;
        }
        boolean shipped = false;
        if (shipper != null) {
            shipped = shipper.ship(alarm);
            if (shipper.checkpointDue()) {
                shipper.checkpointing();
                checkpoint();
            }
        }
        unsyncedCommit = false;
        return shipped;
    }

    /** Copies the WAL's (durable) frames into the database file, so that the next commit restarts the WAL. */
    private void checkpoint() throws IOException {
        try (var st = connection.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (SQLException e) {
            throw new IOException("checkpoint of " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** The object's own tables (not SQLite's nor Cairn's), by name, with their columns and row counts; for administrators, between events. */
    public List<TableSummary> tables() {
        try {
            return SchemaReading.tables(connection);
        } catch (SQLException e) {
            throw errors.translate(e);
        }
    }

    /** How many key-value entries the object holds. */
    public long keyValueEntries() {
        try {
            return SchemaReading.keyValueEntries(connection);
        } catch (SQLException e) {
            throw errors.translate(e);
        }
    }

    /**
     * Runs one statement that only reads (see {@link ReadOnlyQuery}): at most {@code maxRows} rows,
     * stopped at {@code timeLimit}. Between the object's events, never inside one.
     */
    public QueryAnswer readOnlyQuery(String sql, List<Object> params, int maxRows, java.time.Duration timeLimit) {
        return ReadOnlyQuery.run(connection, errors, sql, params, maxRows, timeLimit);
    }

    /** Runs the object's own SQL in the event's transaction. */
    public SqlCursor exec(String query, Object[] params) {
        return sql.exec(query, params);
    }

    /** Cairn's own statement (not checked by {@link dev.cairn.storage.sql.SqlScript}), prepared once per database. */
    PreparedStatement engineStatement(String sql) throws SQLException {
        PreparedStatement p = engineStatements.get(sql);
        if (p == null) {
            p = connection.prepareStatement(sql);
            engineStatements.put(sql, p);
        }
        return p;
    }

    /** Forgets Cairn's prepared statements; after an error sqlite-jdbc may have closed one. */
    void discardEngineStatements() {
        engineStatements.values().forEach(ObjectDatabase::closeQuietly);
        engineStatements.clear();
    }

    public KeyValueTable kv() {
        return kv;
    }

    public AlarmTable alarm() {
        return alarm;
    }

    SqliteErrors errors() {
        return errors;
    }

    /** Starts the batch transaction (and the event's savepoint) before a write or a consistent read. */
    void beginWork() throws SQLException {
        transaction.enter();
    }

    /**
     * After writes: a database grown past the storage limit fails the write, and (through
     * {@link #eventSucceeded()}) the event, even if its code catches the exception.
     */
    void checkStorageLimit() throws SQLException {
        long changes = connection.getDatabase().total_changes();
        if (changes == changesAtSizeCheck) {
            return;
        }
        changesAtSizeCheck = changes;
        long size = pageCount() * pageSize;
        if (size > limits.maxBytesPerObject()) {
            overLimit = true;
            throw errors.storageLimitExceeded(size, null);
        }
    }

    /**
     * A write to one of Cairn's own tables ({@code _cairn_*}), which are created by their first write
     * and dropped by deleteAll: runs {@code work} in the event's transaction and, when {@code table} is
     * missing, runs {@code create} and tries again. The storage limit is checked after.
     */
    void writeCreatingTable(String table, List<String> create, SqlWork<?> work) {
        try {
            beginWork();
            try {
                work.run();
            } catch (SQLException e) {
                discardEngineStatements();
                if (!isMissingTable(e, table)) {
                    throw e;
                }
                for (String sql : create) {
                    engineStatement(sql).execute();
                }
                work.run();
            }
            checkStorageLimit();
        } catch (SQLException e) {
            throw errors.translate(e);
        }
    }

    /** A read or delete on one of Cairn's own tables: a missing table holds nothing, so {@code whenNoTable} is the answer. */
    <R> R orWhenNoTable(String table, SqlWork<R> work, R whenNoTable) {
        try {
            return work.run();
        } catch (SQLException e) {
            discardEngineStatements();
            if (isMissingTable(e, table)) {
                return whenNoTable;
            }
            throw errors.translate(e);
        }
    }

    private static boolean isMissingTable(SQLException e, String table) {
        return e.getMessage() != null && e.getMessage().contains("no such table: " + table);
    }

    /** Runs {@code body} with SQLite's length limit raised to {@code bytes} (key-value entries may exceed the SQL value limit). */
    <T> T withLengthLimit(int bytes, SqlWork<T> body) throws SQLException {
        if (bytes <= limits.sqlMaxValueBytes()) {
            return body.run();
        }
        connection.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, bytes + ROW_OVERHEAD);
        try {
            return body.run();
        } finally {
            connection.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, limits.sqlMaxValueBytes());
        }
    }

    /** Opens a nested transaction (a savepoint inside the event). */
    public void savepointBegin() {
        try {
            transaction.enter();
            engineStatement("SAVEPOINT cairn_txn").execute();
        } catch (SQLException e) {
            throw errors.translate(e);
        }
    }

    /** Closes the innermost nested transaction, keeping or undoing its writes. */
    public void savepointEnd(boolean keep) {
        try {
            if (!keep) {
                engineStatement("ROLLBACK TO cairn_txn").execute();
            }
            engineStatement("RELEASE cairn_txn").execute();
        } catch (SQLException e) {
            throw errors.translate(e);
        }
    }

    /** Drops every table and view of the object, Cairn's included (key-value entries); part of the event's transaction. */
    public void dropEverything() {
        try {
            sql.closeCursors(StatementCursor.Closed.DELETE_ALL);
            transaction.enter();
            // Foreign keys between tables would otherwise fail a drop half-way; checked again at commit.
            engineStatement("PRAGMA defer_foreign_keys = ON").execute();
            while (true) {
                String type;
                String name;
                try (ResultSet rs = engineStatement("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view')"
                        + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' LIMIT 1").executeQuery()) {
                    if (!rs.next()) {
                        break;
                    }
                    type = rs.getString(1);
                    name = rs.getString(2);
                }
                try (var st = connection.createStatement()) {
                    st.execute("DROP " + type.toUpperCase(java.util.Locale.ROOT) + " \"" + name.replace("\"", "\"\"") + "\"");
                }
            }
            try (ResultSet rs = engineStatement("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").executeQuery()) {
                if (rs.next()) {
                    try (var st = connection.createStatement()) {
                        st.execute("DELETE FROM sqlite_sequence");
                    }
                }
            }
            engineStatement("PRAGMA defer_foreign_keys = OFF").execute();
        } catch (SQLException e) {
            throw errors.translate(e);
        }
    }

    /** A unit of JDBC work. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    /** Bytes in use: pages times page size (free pages included: they are reused before the file grows). */
    public long size() {
        try {
            return pageCount() * pageSize;
        } catch (SQLException e) {
            throw new StorageException("cannot read the database size: " + e.getMessage(), e);
        }
    }

    /**
     * {@code PRAGMA page_count}, stepped directly: it runs after every write, and a JDBC result set
     * (column names fetched, objects built) costs more than the pragma itself.
     */
    private long pageCount() throws SQLException {
        return ((CoreStatement) pageCount).pointer.safeRunLong((db, stmt) -> {
            try {
                int rc = db.step(stmt);
                if (rc != Codes.SQLITE_ROW) {
                    throw new SQLException("PRAGMA page_count returned no row (SQLite result code " + rc + ")");
                }
                return db.column_long(stmt, 0);
            } finally {
                db.reset(stmt);
            }
        });
    }

    /** Unmaps the WAL-index; on the object's thread (which mapped it), before {@link #close()}. */
    public void releaseWalIndex() {
        if (shipper != null) {
            shipper.releaseWalIndex();
        }
    }

    /**
     * Closes the connection (SQLite checkpoints); any thread, after {@link #releaseWalIndex()}. When a
     * commit could not be made durable and the sink wants it undone, the file is rolled back to its
     * durable commits first (see {@link dev.cairn.storage.wal.WalRollback}).
     */
    @Override
    public void close() {
        try {
            sql.close();
            engineStatements.values().forEach(ObjectDatabase::closeQuietly);
            engineStatements.clear();
            transaction.close();
            closeQuietly(pageCount);
        } catch (RuntimeException e) {
            // Closing statements frees memory only; the connection, the rollback and the sink must still close.
        }
        if (shipper == null) {
            closeConnection();
            return;
        }
        try {
            shipper.close(this::closeConnection);
        } catch (IOException e) {
            throw new StorageException("cannot roll back " + file + " to its durable commits: " + e.getMessage(), e);
        }
    }

    private void closeConnection() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing is pending: every batch was committed or rolled back before closing.
        }
    }

    static void closeQuietly(PreparedStatement p) {
        try {
            p.close();
        } catch (SQLException ignored) {
            // Closing a statement only frees memory.
        }
    }
}
