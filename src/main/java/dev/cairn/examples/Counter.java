package dev.cairn.examples;

import dev.cairn.api.ObjectContext;
import dev.cairn.api.Refusal;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Storage;
import dev.cairn.examples.api.CounterApi;
import dev.cairn.examples.model.CounterBookmark;
import dev.cairn.examples.model.CounterValue;
import dev.cairn.examples.model.IncrementRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A counter kept in the object's SQL database, and a second one in its key-value storage (namespace {@code counter}). */
@RegisterForReflection(fields = false, methods = false)
public final class Counter implements CounterApi {
    private final SqlStorage sql;
    private final Storage storage;
    private final ObjectContext ctx;

    public Counter(ObjectContext ctx) {
        this.ctx = ctx;
        storage = ctx.storage();
        sql = ctx.storage().sql();
        sql.exec("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)");
    }

    /** Adds {@code by} (1 without a body) and returns the new value; the write is durable before the caller sees it. */
    @Override
    public CounterValue increment(IncrementRequest request) {
        long by = request == null || request.getBy() == null ? 1 : request.getBy();
        return new CounterValue().value(sql.exec("""
                INSERT INTO counter (id, value) VALUES (1, ?)
                ON CONFLICT (id) DO UPDATE SET value = value + excluded.value
                RETURNING value""", by).one().getLong("value"));
    }

    @Override
    public CounterValue value() {
        var rows = sql.exec("SELECT value FROM counter WHERE id = 1").toList();
        return value(rows.isEmpty() ? 0 : rows.getFirst().getLong("value"));
    }

    /** The same counter kept in key-value storage: a get and a put (what the workerd peer's kvIncrement does). */
    @Override
    public CounterValue kvIncrement() {
        long next = kvValue().getValue() + 1;
        storage.put("count", next);
        return value(next);
    }

    @Override
    public CounterValue kvValue() {
        Long current = storage.get("count", Long.class);
        return value(current == null ? 0 : current);
    }

    @Override
    public CounterBookmark bookmark() {
        return new CounterBookmark().bookmark(storage.getCurrentBookmark());
    }

    /**
     * Point-in-time recovery as on Cloudflare: the restore is asked for, then the object aborts so that
     * it restarts restored. The caller gets the abort, whose reason carries the bookmark that undoes it.
     */
    @Override
    public CounterValue restore(CounterBookmark request) {
        String undo;
        try {
            undo = storage.onNextSessionRestoreBookmark(request.getBookmark());
        } catch (IllegalArgumentException e) {
            throw Refusal.badRequest(e.getMessage());
        }
        ctx.abort("restarting restored to " + request.getBookmark() + "; undo with " + undo);
        throw new IllegalStateException("abort returns only by throwing");
    }

    /** Touches nothing: measures the cost of a call itself. */
    @Override
    public CounterValue noop() {
        return value(0);
    }

    private static CounterValue value(long v) {
        return new CounterValue().value(v);
    }
}
