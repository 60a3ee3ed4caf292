package dev.cairn.engine;

import dev.cairn.api.SqlCursor;
import dev.cairn.api.SqlRow;
import dev.cairn.api.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * One object's SQLite file and the transaction around its events. Owned by the object's thread.
 *
 * <p>Events of one batch share a transaction: the first storage access begins it, each event runs
 * inside its own savepoint when the batch has several (so a failing event rolls back alone), and
 * {@link #commit()} ends the batch with one fsync. With a single event the savepoint is skipped.
 */
final class ObjectDatabase implements AutoCloseable {
    /** Prepared statements kept per database; the hot paths of an object use a handful. */
    private static final int STATEMENT_CACHE_SIZE = 64;

    private final SQLiteConnection connection;
    private final PreparedStatement begin;
    private final PreparedStatement commit;
    private final PreparedStatement rollback;
    private final PreparedStatement savepoint;
    private final PreparedStatement release;
    private final PreparedStatement rollbackToSavepoint;
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

    private ObjectDatabase(SQLiteConnection connection) throws SQLException {
        this.connection = connection;
        this.begin = connection.prepareStatement("BEGIN");
        this.commit = connection.prepareStatement("COMMIT");
        this.rollback = connection.prepareStatement("ROLLBACK");
        this.savepoint = connection.prepareStatement("SAVEPOINT cairn_event");
        this.release = connection.prepareStatement("RELEASE cairn_event");
        this.rollbackToSavepoint = connection.prepareStatement("ROLLBACK TO cairn_event");
    }

    /** Opens (creating if needed) the database; WAL with a full fsync per commit. */
    static ObjectDatabase open(Path file) {
        try {
            Files.createDirectories(file.getParent());
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.enforceForeignKeys(true);
            config.setBusyTimeout(5_000);
            Connection c = config.createConnection("jdbc:sqlite:" + file);
            return new ObjectDatabase((SQLiteConnection) c);
        } catch (Exception e) {
            throw new StorageException("cannot open database " + file + ": " + e.getMessage(), e);
        }
    }

    /** The next event starts; {@code isolated} when it shares the batch with others. */
    void eventStarting(boolean isolated) {
        eventUsesSavepoint = isolated;
    }

    /** The event returned: keep its writes in the batch. */
    void eventSucceeded() throws SQLException {
        if (inSavepoint) {
            release.execute();
            inSavepoint = false;
        }
    }

    /** The event threw: undo its writes, and only its writes. */
    void eventFailed() throws SQLException {
        if (inSavepoint) {
            rollbackToSavepoint.execute();
            release.execute();
            inSavepoint = false;
        } else if (inTransaction && !eventUsesSavepoint) {
            rollback.execute();
            inTransaction = false;
        }
    }

    /** Makes the batch durable (one fsync). Throws when it could not; the batch is then rolled back. */
    void commit() throws SQLException {
        if (!inTransaction) {
            return;
        }
        try {
            commit.execute();
        } catch (SQLException e) {
            try {
                rollback.execute();
            } catch (SQLException ignored) {
                // The connection is discarded by the caller; the original failure is what matters.
            }
            throw e;
        } finally {
            inTransaction = false;
        }
    }

    SqlCursor exec(String query, Object[] params) {
        Prepared prepared = statements.get(query);
        if (prepared == null) {
            prepared = prepare(query);
            statements.put(query, prepared);
        }
        try {
            enterTransaction();
            return prepared.run(params == null ? new Object[0] : params);
        } catch (SQLException e) {
            throw new StorageException(e.getMessage(), e);
        }
    }

    /** Bytes in use: pages times page size. */
    long size() {
        try (var st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StorageException("cannot read the database size: " + e.getMessage(), e);
        }
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

    @Override
    public void close() {
        statements.values().forEach(Prepared::close);
        statements.clear();
        for (PreparedStatement p : List.of(begin, commit, rollback, savepoint, release, rollbackToSavepoint)) {
            closeQuietly(p);
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing is pending: every batch was committed or rolled back before closing.
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

        SqlCursor run(Object[] params) throws SQLException {
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
                bind(lastStatement, i + 1, params[i]);
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

        private static void bind(PreparedStatement p, int index, Object value) throws SQLException {
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
