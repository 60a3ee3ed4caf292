package dev.cairn.storage.sql;

import dev.cairn.api.StorageException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConnection;

/**
 * One SQL statement an administrator runs against an object's database, which can never change it.
 * Three walls: the text must be one statement that reads ({@code SELECT}, {@code WITH}, {@code VALUES},
 * {@code EXPLAIN}, or a pragma that only reads), checked by {@link SqlScript} like object code's SQL
 * (no {@code ATTACH}, no Cairn tables, no transaction control); SQLite's {@code query_only} is on while
 * it runs, so a write hidden in it (a {@code WITH … DELETE}) fails; and its rows and time are bounded
 * (at the time limit SQLite is interrupted). Runs on the object's thread, between its events.
 */
public final class ReadOnlyQuery {
    private static final Set<String> READING = Set.of("SELECT", "WITH", "VALUES", "EXPLAIN");

    private ReadOnlyQuery() {}

    /** @throws StorageException when the text is refused, fails, or runs past {@code timeLimit} */
    public static QueryAnswer run(SQLiteConnection connection, SqliteErrors errors, String sql, List<Object> params, int maxRows, Duration timeLimit) {
        String statement = check(sql);
        long started = System.nanoTime();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> {
            if (!done.isDone()) {
                try {
                    connection.getDatabase().interrupt();
                } catch (SQLException ignored) {
                    // the statement ended meanwhile
                }
            }
        }, CompletableFuture.delayedExecutor(timeLimit.toMillis(), TimeUnit.MILLISECONDS));
        try (Statement pragma = connection.createStatement()) {
            pragma.execute("PRAGMA query_only = ON");
            try (PreparedStatement p = connection.prepareStatement(statement)) {
                for (int i = 0; i < params.size(); i++) {
                    p.setObject(i + 1, params.get(i));
                }
                List<String> columns = new ArrayList<>();
                List<List<Object>> rows = new ArrayList<>();
                boolean truncated = false;
                if (p.execute()) {
                    try (ResultSet rs = p.getResultSet()) {
                        ResultSetMetaData meta = rs.getMetaData();
                        for (int c = 1; c <= meta.getColumnCount(); c++) {
                            columns.add(meta.getColumnLabel(c));
                        }
                        while (rs.next()) {
                            if (rows.size() == maxRows) {
                                truncated = true;
                                break;
                            }
                            List<Object> row = new ArrayList<>(columns.size());
                            for (int c = 1; c <= columns.size(); c++) {
                                row.add(rs.getObject(c));
                            }
                            rows.add(row);
                        }
                    }
                }
                return new QueryAnswer(columns, rows, truncated, Duration.ofNanos(System.nanoTime() - started));
            } finally {
                pragma.execute("PRAGMA query_only = OFF");
            }
        } catch (SQLException e) {
            boolean interrupted = e.getMessage() != null && e.getMessage().contains("interrupt");
            throw new StorageException(interrupted
                    ? "the query ran past its time limit of " + timeLimit.toMillis() + " ms and was stopped; narrow it (WHERE, LIMIT)"
                    : e.getMessage().contains("readonly") || e.getMessage().contains("read-only") || e.getMessage().contains("query_only")
                            ? "the query tried to write; queries here only read: " + e.getMessage()
                            : "the query failed: " + errors.translate(e).getMessage(), e);
        } finally {
            done.complete(null);
        }
    }

    /** The one statement of {@code sql}, if it only reads. */
    private static String check(String sql) {
        SqlScript script = SqlScript.parse(sql);
        if (script.statements().size() != 1) {
            throw new StorageException("one statement per query, got " + script.statements().size());
        }
        String statement = script.statements().getFirst();
        List<String> words = SqlScript.words(statement);
        String first = words.getFirst();
        boolean reads = READING.contains(first)
                || (first.equals("PRAGMA") && SqlPragma.check(words).pragma().kind() == SqlPragma.Kind.READ_ONLY);
        if (!reads) {
            throw new StorageException(first + " is not allowed here: queries only read (SELECT, WITH, VALUES, EXPLAIN,"
                    + " or a pragma that only reads, such as table_info)");
        }
        return statement;
    }
}
