package dev.cairn.examples;

import dev.cairn.api.ObjectContext;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Storage;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A counter kept in the object's SQL database, and a second one in its key-value storage (namespace {@code counter}). */
@RegisterForReflection(fields = false, methods = false)
public final class Counter {
    private final SqlStorage sql;
    private final Storage storage;

    public Counter(ObjectContext ctx) {
        this.storage = ctx.storage();
        this.sql = storage.sql();
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

    /** The same counter kept in key-value storage: a get and a put (what the workerd peer's kvIncrement does). */
    public long kvIncrement() {
        Long current = storage.get("count", Long.class);
        long next = (current == null ? 0 : current) + 1;
        storage.put("count", next);
        return next;
    }

    public long kvValue() {
        Long current = storage.get("count", Long.class);
        return current == null ? 0 : current;
    }

    /** Touches nothing: measures the cost of a call itself. */
    public long noop() {
        return 0;
    }
}
