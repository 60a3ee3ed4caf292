package dev.cairn.examples;

import dev.cairn.api.ObjectContext;
import dev.cairn.api.SqlStorage;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A counter kept in the object's SQL database (namespace {@code counter}). */
@RegisterForReflection(fields = false, methods = false)
public final class Counter {
    private final SqlStorage sql;

    public Counter(ObjectContext ctx) {
        this.sql = ctx.storage().sql();
        sql.exec("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)");
    }

    /** Adds {@code by} and returns the new value; the write is durable before the caller sees it. */
    public long increment(long by) {
        return sql.exec("""
                INSERT INTO counter (id, value) VALUES (1, ?)
                ON CONFLICT (id) DO UPDATE SET value = value + excluded.value
                RETURNING value""", by).one().getLong("value");
    }

    public long value() {
        var rows = sql.exec("SELECT value FROM counter WHERE id = 1").toList();
        return rows.isEmpty() ? 0 : rows.getFirst().getLong("value");
    }

    /** Touches nothing: measures the cost of a call itself. */
    public long noop() {
        return 0;
    }
}
