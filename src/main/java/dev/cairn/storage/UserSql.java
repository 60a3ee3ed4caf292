package dev.cairn.storage;

import dev.cairn.api.SqlCursor;
import dev.cairn.api.StorageException;
import dev.cairn.storage.sql.SqlPragma;
import dev.cairn.storage.sql.SqlScript;
import dev.cairn.storage.sql.SqliteErrors;
import dev.cairn.storage.sql.StatementCursor;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sqlite.SQLiteConnection;

/**
 * Owned by the object's thread, like its {@link ObjectDatabase}: the object's own SQL
 * ({@code ctx.storage().sql().exec}), texts checked by {@link SqlScript}, prepared once and kept in a
 * small cache, parameters bound and checked against the limits, rows read lazily by a
 * {@link StatementCursor}. A cached statement that a cursor is still reading is not run again: an exec
 * of the same text meanwhile (a loop over rows that runs its own query again) prepares a statement of
 * its own. When an event ends, its cursors are closed, the foreign keys it deferred are checked and
 * the pragmas it set are set back ({@link #eventEnding}, {@link #checkDeferredForeignKeys},
 * {@link #resetCallSettings}).
 */
final class UserSql implements AutoCloseable, StatementCursor.Source {
    /** Prepared statements kept per database; the hot paths of an object use a handful. */
    private static final int STATEMENT_CACHE_SIZE = 64;

    private final SQLiteConnection connection;
    private final ObjectDatabase db;
    private final StorageLimits limits;
    private final Map<String, Prepared> statements = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Prepared> eldest) {
            if (size() > STATEMENT_CACHE_SIZE) {
                eldest.getValue().retire();
                return true;
            }
            return false;
        }
    };
    /** Cursors with rows still to read, and the statement each reads. */
    private final Map<StatementCursor, Prepared> reading = new IdentityHashMap<>();
    /** Pragmas of {@code SqlPragma.Kind.CALL_SETTING} that the running event set. */
    private final Set<SqlPragma> callSettings = EnumSet.noneOf(SqlPragma.class);
    /** Counts the events that ended: a cursor of an earlier one is closed. */
    private long event;

    UserSql(SQLiteConnection connection, ObjectDatabase db, StorageLimits limits) {
        this.connection = connection;
        this.db = db;
        this.limits = limits;
    }

    /** Runs user SQL (one or more statements; the last one binds {@code params}) in the event's transaction. */
    SqlCursor exec(String query, Object[] params) {
        Object[] bound = params == null ? new Object[0] : params;
        Prepared prepared = statements.get(query);
        if (prepared == null) {
            // Most SQL is ASCII: the char count decides unless it is close to the limit.
            if (query.length() * 3L > limits.sqlMaxStatementBytes()) {
                int bytes = query.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > limits.sqlMaxStatementBytes()) {
                    throw db.errors().statementTooLong(bytes);
                }
            }
            prepared = new Prepared(connection, SqlScript.parse(query));
            statements.put(query, prepared);
        } else if (prepared.busy) {
            prepared = new Prepared(connection, prepared.script);
            prepared.retire(); // this exec's own: closed when its cursor is done
        }
        if (bound.length > limits.sqlMaxParameters()) {
            throw StorageException.limit("cairn.storage.sql-max-parameters", bound.length + " bound parameters given; at most "
                    + limits.sqlMaxParameters() + " per statement (cairn.storage.sql-max-parameters)", null);
        }
        try {
            db.beginWork();
            callSettings.addAll(prepared.script.callSettings());
            SqlCursor cursor = run(prepared, bound);
            db.checkStorageLimit();
            return cursor;
        } catch (SQLException e) {
            // sqlite-jdbc may close a statement that failed (e.g. its table was dropped): prepare afresh next time.
            statements.remove(query, prepared);
            prepared.close();
            throw db.errors().translate(e);
        } catch (RuntimeException e) {
            if (!prepared.busy && prepared.retired) {
                prepared.close(); // this exec's own statement, refused before any cursor read it
            }
            throw e;
        }
    }

    private SqlCursor run(Prepared prepared, Object[] params) throws SQLException {
        var sqlite = connection.getDatabase();
        long changesBefore = sqlite.total_changes();
        PreparedStatement last = prepared.runAllButLast(params, limits);
        if (!last.execute()) {
            last.clearParameters();
            prepared.doneReading();
            return new StatementCursor(this, List.of(), null, sqlite.total_changes() - changesBefore);
        }
        ResultSet rs = last.getResultSet();
        ResultSetMetaData md = rs.getMetaData();
        String[] names = new String[md.getColumnCount()];
        for (int c = 0; c < names.length; c++) {
            names[c] = md.getColumnLabel(c + 1);
        }
        // RETURNING makes its changes at the first step, which execute() took; SQLite counts them when the statement ends.
        var cursor = new StatementCursor(this, List.of(names), rs, sqlite.total_changes() - changesBefore);
        prepared.busy = true;
        reading.put(cursor, prepared);
        return cursor;
    }

    @Override
    public void done(StatementCursor cursor) {
        Prepared prepared = reading.remove(cursor);
        if (prepared != null) {
            prepared.doneReading();
        }
    }

    @Override
    public long event() {
        return event;
    }

    @Override
    public long totalChanges() {
        try {
            return connection.getDatabase().total_changes();
        } catch (SQLException e) {
            throw db.errors().translate(e); // only when the connection is closed, which no cursor outlives
        }
    }

    @Override
    public SqliteErrors errors() {
        return db.errors();
    }

    /** The running event ends: its cursors are closed (their statements reset), so a later read is refused. */
    void eventEnding() {
        closeCursors(StatementCursor.Closed.EVENT_ENDED);
        event++;
    }

    /** Every table is about to be dropped: SQLite cannot drop a table a statement is reading. */
    void closeCursors(StatementCursor.Closed why) {
        for (StatementCursor cursor : List.copyOf(reading.keySet())) {
            cursor.close(why);
        }
    }

    /**
     * When the event deferred its foreign keys, checks that none is broken now, so that the event
     * fails alone (and its writes roll back) instead of the commit of its whole batch.
     *
     * @throws StorageException naming the first row that breaks one
     */
    void checkDeferredForeignKeys() throws SQLException {
        if (!callSettings.contains(SqlPragma.DEFER_FOREIGN_KEYS)) {
            return;
        }
        try (ResultSet broken = db.engineStatement("PRAGMA foreign_key_check").executeQuery()) {
            if (broken.next()) {
                throw new StorageException("FOREIGN KEY constraint failed: the call deferred its foreign keys"
                        + " (PRAGMA defer_foreign_keys = ON) and ended with row " + broken.getObject(2) + " of table "
                        + broken.getString(1) + " referring to a missing row of " + broken.getString(3)
                        + "; the call's writes were rolled back");
            }
        }
    }

    /** Sets the pragmas the event changed back to SQLite's defaults, after its writes were kept or undone. */
    void resetCallSettings() throws SQLException {
        for (SqlPragma setting : callSettings) {
            db.engineStatement(setting.resetStatement()).execute();
        }
        callSettings.clear();
    }

    @Override
    public void close() {
        eventEnding();
        statements.values().forEach(Prepared::close);
        statements.clear();
    }

    /**
     * The statements of one exec text, each prepared when first reached (a later statement may use a
     * table an earlier one creates); the last one binds the parameters and gives the cursor.
     */
    private static final class Prepared {
        private final SQLiteConnection connection;
        private final SqlScript script;
        private final PreparedStatement[] statements;
        /** A cursor is reading the last statement. */
        private boolean busy;
        /** Out of the cache (or never in it): closed once no cursor reads it. */
        private boolean retired;

        Prepared(SQLiteConnection connection, SqlScript script) {
            this.connection = connection;
            this.script = script;
            this.statements = new PreparedStatement[script.statements().size()];
        }

        private PreparedStatement statement(int i) throws SQLException {
            if (statements[i] == null) {
                List<String> texts = script.statements();
                PreparedStatement p = connection.prepareStatement(texts.get(i));
                if (i < texts.size() - 1 && p.getParameterMetaData().getParameterCount() > 0) {
                    ObjectDatabase.closeQuietly(p);
                    throw new StorageException("only the last statement of an exec may have parameters (statement "
                            + (i + 1) + " of " + texts.size() + " has some)");
                }
                statements[i] = p;
            }
            return statements[i];
        }

        /** Runs every statement but the last, and returns the last with {@code params} bound. */
        PreparedStatement runAllButLast(Object[] params, StorageLimits limits) throws SQLException {
            int last = statements.length - 1;
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
            return lastStatement;
        }

        /** No cursor reads the last statement any more. */
        void doneReading() {
            busy = false;
            if (retired) {
                close();
                return;
            }
            try {
                statements[statements.length - 1].clearParameters(); // drops large bound values
            } catch (SQLException ignored) {
                // Only frees memory; the next exec binds every parameter again.
            }
        }

        /** Leaves the cache: closed now, or when its cursor is done. */
        void retire() {
            retired = true;
            if (!busy) {
                close();
            }
        }

        void close() {
            for (PreparedStatement p : statements) {
                if (p != null) {
                    ObjectDatabase.closeQuietly(p);
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
    }
}
