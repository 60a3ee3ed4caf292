package dev.cairn.storage;

import dev.cairn.api.SqlCursor;
import dev.cairn.api.SqlRow;
import dev.cairn.api.StorageException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConnection;

/**
 * Owned by the object's thread, like its {@link ObjectDatabase}: the object's own SQL
 * ({@code ctx.storage().sql().exec}), texts checked by {@link SqlScript}, prepared once and kept in a
 * small cache, parameters bound and checked against the limits, results read into cursors.
 */
final class UserSql implements AutoCloseable {
    /** Prepared statements kept per database; the hot paths of an object use a handful. */
    private static final int STATEMENT_CACHE_SIZE = 64;

    private final SQLiteConnection connection;
    private final ObjectDatabase db;
    private final StorageLimits limits;
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
            prepared = new Prepared(connection, SqlScript.parse(query).statements());
            statements.put(query, prepared);
        }
        if (bound.length > limits.sqlMaxParameters()) {
            throw StorageException.limit("cairn.storage.sql-max-parameters", bound.length + " bound parameters given; at most "
                    + limits.sqlMaxParameters() + " per statement (cairn.storage.sql-max-parameters)", null);
        }
        try {
            db.beginWork();
            SqlCursor cursor = prepared.run(bound, limits);
            db.checkStorageLimit();
            return cursor;
        } catch (SQLException e) {
            // sqlite-jdbc may close a statement that failed (e.g. its table was dropped): prepare afresh next time.
            statements.remove(query);
            prepared.close();
            throw db.errors().translate(e);
        }
    }

    @Override
    public void close() {
        statements.values().forEach(Prepared::close);
        statements.clear();
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
                    ObjectDatabase.closeQuietly(p);
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
