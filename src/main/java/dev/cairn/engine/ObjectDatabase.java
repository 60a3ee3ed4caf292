package dev.cairn.engine;

import dev.cairn.api.SqlCursor;
import dev.cairn.api.SqlRow;
import dev.cairn.api.StorageException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;
import org.sqlite.core.Codes;
import org.sqlite.core.CoreStatement;

/**
 * One object's SQLite file and the transaction around its events. Owned by the object's thread.
 *
 * <p>Events of one batch share a transaction: the first storage access begins it, each event runs
 * inside its own savepoint when the batch has several (so a failing event rolls back alone), and
 * {@link #commit()} ends the batch. With a single event the savepoint is skipped.
 *
 * <p>Durability: SQLite runs with {@code synchronous=NORMAL}, so COMMIT only writes the WAL to the
 * operating system (a JNI call pins the virtual thread's carrier, so no fsync should happen inside
 * one). With durability {@code full}, {@link #makeDurable} then copies the bytes the commit appended
 * to the WAL into the node's {@link CommitLog}, which fsyncs once for the commits of many objects.
 * Which bytes: the WAL-index header in the {@code -shm} file (SQLite's documented WAL-index format)
 * gives the frames now committed and the WAL's salts; new salts mean SQLite restarted the WAL from
 * its beginning after a checkpoint, so the range starts at 0 again. Every byte SQLite writes to the
 * WAL is thus logged before the reply, which is what makes {@link CommitLog#recover} safe. The first
 * commit of a new file fsyncs the WAL, the file and the directories that name it instead.
 */
final class ObjectDatabase implements AutoCloseable {
    /** Prepared statements kept per database; the hot paths of an object use a handful. */
    private static final int STATEMENT_CACHE_SIZE = 64;
    /** Most WAL bytes in one commit-log record; a larger commit is logged in several. */
    private static final long LOG_CHUNK = 16 << 20;
    /** Bytes a row takes beyond its values (record header, key-value columns). */
    private static final int ROW_OVERHEAD = 64;

    private final SQLiteConnection connection;
    private final StorageLimits limits;
    private final SqliteErrors errors;
    private final KeyValueTable kv;
    private final AlarmTable alarm;
    private final long pageSize;
    private final Path file;
    /** Directories created with this file: their entries must reach the disk with the first commit. */
    private List<Path> unsyncedDirectories;
    private FileChannel wal;
    /**
     * The start of the WAL-index ({@code -shm}), mapped: read after each logged commit without a
     * system call. SQLite maps the same file, and only a first connection truncates it, never while
     * this one is open. The arena is confined to the object's thread, which releases the mapping
     * before the database closes ({@link #releaseWalIndex}).
     */
    private ByteBuffer walIndex;
    private Arena walIndexArena;
    /** Reused for this database's commit-log records (see {@link CommitLog.RecordBuffer}). */
    private final CommitLog.RecordBuffer logRecord = new CommitLog.RecordBuffer();
    private boolean unsyncedCommit;
    /** The WAL-index header when the WAL was last made durable (its end and generation); null when unknown. */
    private WalIndexHeader durableWal;
    private byte[] logName;
    private final PreparedStatement begin;
    private final PreparedStatement commit;
    private final PreparedStatement rollback;
    private final PreparedStatement savepoint;
    private final PreparedStatement release;
    private final PreparedStatement rollbackToSavepoint;
    private final PreparedStatement pageCount;
    /** Cairn's own statements (key-value table, savepoints): a small fixed set, prepared once. */
    private final Map<String, PreparedStatement> engineStatements = new HashMap<>();
    private final Map<String, Prepared> statements = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Prepared> eldest) {
            if (size() > STATEMENT_CACHE_SIZE) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };

    private boolean inTransaction;
    private boolean eventUsesSavepoint;
    private boolean inSavepoint;
    /** {@code total_changes} when the size was last checked against the storage limit. */
    private long changesAtSizeCheck;
    /** A write of this event went past the storage limit: it fails unless a rollback undid that. */
    private boolean overLimit;

    private ObjectDatabase(SQLiteConnection connection, Path file, List<Path> createdDirectories, StorageLimits limits,
            ValueCodec codec) throws SQLException {
        this.connection = connection;
        this.limits = limits;
        this.errors = new SqliteErrors(limits);
        this.file = file;
        this.unsyncedDirectories = createdDirectories;
        this.begin = connection.prepareStatement("BEGIN");
        this.commit = connection.prepareStatement("COMMIT");
        this.rollback = connection.prepareStatement("ROLLBACK");
        this.savepoint = connection.prepareStatement("SAVEPOINT cairn_event");
        this.release = connection.prepareStatement("RELEASE cairn_event");
        this.rollbackToSavepoint = connection.prepareStatement("ROLLBACK TO cairn_event");
        this.pageCount = connection.prepareStatement("PRAGMA page_count");
        try (var st = connection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA page_size")) {
            rs.next();
            this.pageSize = rs.getLong(1);
        }
        applyLimits();
        this.kv = new KeyValueTable(this, codec, limits);
        this.alarm = new AlarmTable(this);
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
        long headroom = 4L * (Math.max(limits.sqlMaxValueBytes(), limits.kvMaxEntryBytes()) + ROW_OVERHEAD) + (1 << 20);
        long maxPages = (limits.maxBytesPerObject() + headroom) / pageSize + 1;
        try (var st = connection.createStatement()) {
            st.execute("PRAGMA max_page_count = " + maxPages);
        }
    }

    /** Opens (creating if needed) the database in WAL mode; see the class comment for durability. */
    static ObjectDatabase open(Path path, StorageLimits limits, ValueCodec codec) {
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
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.enforceForeignKeys(true);
            config.setBusyTimeout(5_000);
            // Cairn never asks for generated keys; otherwise sqlite-jdbc queries for them after every insert.
            config.setGetGeneratedKeys(false);
            Connection c = config.createConnection("jdbc:sqlite:" + file);
            return new ObjectDatabase((SQLiteConnection) c, file, created, limits, codec);
        } catch (Exception e) {
            throw new StorageException("cannot open database " + file + ": " + e.getMessage(), e);
        }
    }

    /** The next event starts; {@code isolated} when it shares the batch with others. */
    void eventStarting(boolean isolated) {
        eventUsesSavepoint = isolated;
        overLimit = false;
    }

    /** The event returned: keep its writes in the batch, unless they leave the database over its limit. */
    void eventSucceeded() throws SQLException {
        if (overLimit) {
            long size = size();
            if (size > limits.maxBytesPerObject()) {
                throw errors.storageLimitExceeded(size, null);
            }
            overLimit = false;
        }
        if (inSavepoint) {
            release.execute();
            inSavepoint = false;
        }
        eventUsesSavepoint = false; // work between events (the alarm check before a commit) opens no event savepoint
    }

    /** The event threw: undo its writes, and only its writes. */
    void eventFailed() throws SQLException {
        overLimit = false;
        if (inSavepoint) {
            rollbackToSavepoint.execute();
            release.execute();
            inSavepoint = false;
        } else if (inTransaction && !eventUsesSavepoint) {
            rollback.execute();
            inTransaction = false;
        }
        eventUsesSavepoint = false;
    }

    /**
     * Commits the batch to the WAL (not yet durable: see {@link #makeDurable}). Throws when it could not;
     * the batch is then rolled back.
     */
    void commit() throws SQLException {
        if (!inTransaction) {
            return;
        }
        try {
            commit.execute();
            unsyncedCommit = true;
        } catch (SQLException e) {
            try {
                rollback.execute();
            } catch (SQLException ignored) {
                // The connection is discarded by the caller; the original failure is what matters.
            }
            throw e;
        } finally {
            // COMMIT or ROLLBACK ended every savepoint too; a flag left set would RELEASE one that is gone.
            inTransaction = false;
            inSavepoint = false;
        }
    }

    /** A new file's first commit: fsyncs its WAL, the file and the directory entries that name it. */
    private void syncNewFile() throws IOException {
        wal().force(false);
        try (FileChannel db = FileChannel.open(file, StandardOpenOption.READ)) {
            db.force(true);
        }
        for (Path dir : unsyncedDirectories) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        }
        unsyncedDirectories = List.of();
    }

    /**
     * Makes every commit so far durable through {@code log} (see the class comment): blocks the
     * calling virtual thread, without pinning its carrier, until the log has fsynced the bytes.
     */
    void makeDurable(CommitLog log) throws IOException {
        if (!unsyncedCommit) {
            return;
        }
        WalIndexHeader header = WalIndexHeader.read(walIndex());
        // Without a header of the layout this code knows, the whole WAL is logged: it always holds its newest bytes.
        long end = header == null ? wal().size() : header.walBytes();
        boolean sameGeneration = header != null && durableWal != null && header.salts() == durableWal.salts()
                && end >= durableWal.walBytes();
        long start = sameGeneration ? durableWal.walBytes() : 0;
        if (!unsyncedDirectories.isEmpty()) {
            syncNewFile(); // its name must reach the disk too, and no record of it can be older
        } else {
            if (logName == null) {
                logName = log.nameOf(file);
            }
            for (long at = start; at < end; at += LOG_CHUNK) {
                log.append(logName, wal(), at, (int) Math.min(LOG_CHUNK, end - at), logRecord);
            }
        }
        durableWal = header;
        unsyncedCommit = false;
    }

    private FileChannel wal() throws IOException {
        if (wal == null) {
            wal = FileChannel.open(file.resolveSibling(file.getFileName() + "-wal"), StandardOpenOption.READ);
        }
        return wal;
    }

    /** The mapped WAL-index header, or null when the {@code -shm} file is not (yet) of a size that holds one. */
    private ByteBuffer walIndex() throws IOException {
        if (walIndex == null) {
            try (FileChannel shm = FileChannel.open(file.resolveSibling(file.getFileName() + "-shm"), StandardOpenOption.READ)) {
                if (shm.size() < WalIndexHeader.BYTES) {
                    return null;
                }
                Arena arena = Arena.ofConfined();
                // Read as a ByteBuffer: a segment's own accessors need var handles, which the native image lacks.
                walIndex = shm.map(FileChannel.MapMode.READ_ONLY, 0, WalIndexHeader.BYTES, arena).asByteBuffer()
                        .order(ByteOrder.nativeOrder());
                walIndexArena = arena;
            }
        }
        return walIndex;
    }

    /**
     * The first 96 bytes of the {@code -shm} file: two copies of the WAL-index header
     * (https://sqlite.org/walformat.html), in the machine's byte order. Read right after our own
     * commit, so both copies agree.
     */
    private record WalIndexHeader(long walBytes, long salts) {
        static final int BYTES = 96;
        private static final int VERSION = 3007000;

        static WalIndexHeader read(ByteBuffer shm) {
            if (shm == null || shm.getInt(0) != VERSION || shm.get(12) != 1
                    || !shm.slice(0, 48).equals(shm.slice(48, 48))) {
                return null;
            }
            int pageSize = Short.toUnsignedInt(shm.getShort(14));
            if (pageSize == 1) {
                pageSize = 65536;
            }
            long frames = Integer.toUnsignedLong(shm.getInt(16));
            long walBytes = frames == 0 ? 0 : 32 + frames * (pageSize + 24);
            return new WalIndexHeader(walBytes, shm.getLong(32));
        }
    }

    SqlCursor exec(String query, Object[] params) {
        Object[] bound = params == null ? new Object[0] : params;
        Prepared prepared = statements.get(query);
        if (prepared == null) {
            // Most SQL is ASCII: the char count decides unless it is close to the limit.
            if (query.length() * 3L > limits.sqlMaxStatementBytes()) {
                int bytes = query.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > limits.sqlMaxStatementBytes()) {
                    throw errors.statementTooLong(bytes);
                }
            }
            prepared = prepare(query);
            statements.put(query, prepared);
        }
        if (bound.length > limits.sqlMaxParameters()) {
            throw StorageException.limit("cairn.storage.sql-max-parameters", bound.length + " bound parameters given; at most "
                    + limits.sqlMaxParameters() + " per statement (cairn.storage.sql-max-parameters)", null);
        }
        try {
            enterTransaction();
            SqlCursor cursor = prepared.run(bound, limits);
            checkStorageLimit();
            return cursor;
        } catch (SQLException e) {
            // sqlite-jdbc may close a statement that failed (e.g. its table was dropped): prepare afresh next time.
            statements.remove(query);
            prepared.close();
            throw errors.translate(e);
        }
    }

    /** Cairn's own statement (not checked by {@link SqlScript}), prepared once per database. */
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

    KeyValueTable kv() {
        return kv;
    }

    AlarmTable alarm() {
        return alarm;
    }

    SqliteErrors errors() {
        return errors;
    }

    /** Starts the batch transaction (and the event's savepoint) before a write or a consistent read. */
    void beginWork() throws SQLException {
        enterTransaction();
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
    void savepointBegin() {
        try {
            enterTransaction();
            engineStatement("SAVEPOINT cairn_txn").execute();
        } catch (SQLException e) {
            throw errors.translate(e);
        }
    }

    /** Closes the innermost nested transaction, keeping or undoing its writes. */
    void savepointEnd(boolean keep) {
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
    void dropEverything() {
        try {
            enterTransaction();
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
    long size() {
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

    private void enterTransaction() throws SQLException {
        if (!inTransaction) {
            begin.execute();
            inTransaction = true;
        }
        if (eventUsesSavepoint && !inSavepoint) {
            savepoint.execute();
            inSavepoint = true;
        }
    }

    private Prepared prepare(String query) {
        return new Prepared(connection, SqlScript.parse(query).statements());
    }

    /** Unmaps the WAL-index; on the object's thread (which mapped it), before {@link #close()}. */
    void releaseWalIndex() {
        if (walIndexArena != null) {
            walIndex = null;
            walIndexArena.close();
            walIndexArena = null;
        }
    }

    /** Closes the connection (SQLite checkpoints); any thread, after {@link #releaseWalIndex()}. */
    @Override
    public void close() {
        statements.values().forEach(Prepared::close);
        statements.clear();
        engineStatements.values().forEach(ObjectDatabase::closeQuietly);
        engineStatements.clear();
        for (PreparedStatement p : List.of(begin, commit, rollback, savepoint, release, rollbackToSavepoint, pageCount)) {
            closeQuietly(p);
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing is pending: every batch was committed or rolled back before closing.
        }
        if (wal != null) {
            try {
                // The commit log's flusher may still mean to fsync this WAL; once closed, it relies on this.
                wal.force(false);
            } catch (IOException ignored) {
                // Closing checkpointed and removed the WAL (its content is in the fsynced database file).
            }
            closeQuietly(wal);
        }
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // A read-only descriptor: closing it cannot lose data.
        }
    }

    private static void closeQuietly(PreparedStatement p) {
        try {
            p.close();
        } catch (SQLException ignored) {
            // Closing a statement only frees memory.
        }
    }

    /**
     * The statements of one exec text, each prepared when first reached (a later statement may use a
     * table an earlier one creates); the last one binds the parameters.
     */
    private static final class Prepared {
        private final SQLiteConnection connection;
        private final List<String> texts;
        private final PreparedStatement[] statements;

        Prepared(SQLiteConnection connection, List<String> texts) {
            this.connection = connection;
            this.texts = texts;
            this.statements = new PreparedStatement[texts.size()];
        }

        private PreparedStatement statement(int i) throws SQLException {
            if (statements[i] == null) {
                PreparedStatement p = connection.prepareStatement(texts.get(i));
                if (i < texts.size() - 1 && p.getParameterMetaData().getParameterCount() > 0) {
                    closeQuietly(p);
                    throw new StorageException("only the last statement of an exec may have parameters (statement "
                            + (i + 1) + " of " + texts.size() + " has some)");
                }
                statements[i] = p;
            }
            return statements[i];
        }

        SqlCursor run(Object[] params, StorageLimits limits) throws SQLException {
            var db = connection.getDatabase();
            long changesBefore = db.total_changes();
            int last = texts.size() - 1;
            for (int i = 0; i < last; i++) {
                PreparedStatement p = statement(i);
                if (p.execute()) {
                    p.getResultSet().close();
                }
            }
            PreparedStatement lastStatement = statement(last);
            int expected = lastStatement.getParameterMetaData().getParameterCount();
            if (params.length != expected) {
                throw new StorageException("wrong number of parameters: the statement has " + expected
                        + ", got " + params.length);
            }
            for (int i = 0; i < params.length; i++) {
                bind(lastStatement, i + 1, params[i], limits);
            }
            List<String> columns = List.of();
            List<SqlRow> rows = List.of();
            if (lastStatement.execute()) {
                try (ResultSet rs = lastStatement.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    String[] names = new String[md.getColumnCount()];
                    for (int c = 0; c < names.length; c++) {
                        names[c] = md.getColumnLabel(c + 1);
                    }
                    columns = List.of(names);
                    rows = new ArrayList<>();
                    while (rs.next()) {
                        Object[] values = new Object[names.length];
                        for (int c = 0; c < names.length; c++) {
                            values[c] = normalize(rs.getObject(c + 1));
                        }
                        rows.add(new SqlRow(columns, values));
                    }
                }
            }
            lastStatement.clearParameters();
            return new MaterializedCursor(columns, rows, db.total_changes() - changesBefore);
        }

        void close() {
            for (PreparedStatement p : statements) {
                if (p != null) {
                    closeQuietly(p);
                }
            }
        }

        private static void bind(PreparedStatement p, int index, Object value, StorageLimits limits) throws SQLException {
            long size = switch (value) {
                case String s -> s.length() * 3L > limits.sqlMaxValueBytes() ? s.getBytes(StandardCharsets.UTF_8).length : 0;
                case byte[] bytes -> bytes.length;
                case null, default -> 0;
            };
            if (size > limits.sqlMaxValueBytes()) {
                throw StorageException.limit("cairn.storage.sql-max-value-bytes", "parameter " + index + " is " + size
                        + " bytes; the limit is " + limits.sqlMaxValueBytes() + " bytes per value (cairn.storage.sql-max-value-bytes)",
                        null);
            }
            switch (value) {
                case null -> p.setNull(index, java.sql.Types.NULL);
                case Long l -> p.setLong(index, l);
                case Integer n -> p.setLong(index, n);
                case Short n -> p.setLong(index, n);
                case Byte n -> p.setLong(index, n);
                case Double d -> p.setDouble(index, d);
                case Float f -> p.setDouble(index, f);
                case String s -> p.setString(index, s);
                case Boolean b -> p.setLong(index, b ? 1 : 0);
                case byte[] bytes -> p.setBytes(index, bytes);
                default -> throw new StorageException("parameter " + index + " has type " + value.getClass().getName()
                        + "; allowed: null, Long, Integer, Short, Byte, Double, Float, String, Boolean, byte[]");
            }
        }

        private static Object normalize(Object v) {
            return switch (v) {
                case Integer i -> (long) i;
                case Float f -> (double) f;
                case null, default -> v;
            };
        }
    }

    /** A fully read result. */
    private record MaterializedCursor(List<String> columnNames, List<SqlRow> rows, long rowsWritten) implements SqlCursor {
        @Override
        public List<SqlRow> toList() {
            return rows;
        }

        @Override
        public SqlRow one() {
            if (rows.size() != 1) {
                throw new StorageException("expected exactly one row, got " + rows.size());
            }
            return rows.getFirst();
        }

        @Override
        public List<List<Object>> raw() {
            return rows.stream().map(SqlRow::values).toList();
        }

        @Override
        public long rowsRead() {
            return rows.size();
        }

        @Override
        public java.util.Iterator<SqlRow> iterator() {
            return rows.iterator();
        }

        @Override
        public String toString() {
            return "SqlCursor" + Arrays.asList(columnNames) + rows;
        }
    }
}
