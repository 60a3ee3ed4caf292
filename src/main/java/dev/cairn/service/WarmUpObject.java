package dev.cairn.service;

import dev.cairn.api.ObjectContext;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Storage;

/**
 * The object {@link ObjectWarmUp} runs on scratch data: a counter in SQL and its last value in the
 * key-value store, the two storage paths of most objects. Public only because objects are built
 * through their public constructor; never declared in a service's namespaces.
 */
public final class WarmUpObject {
    private final SqlStorage sql;
    private final Storage storage;

    public WarmUpObject(ObjectContext ctx) {
        storage = ctx.storage();
        sql = storage.sql();
        sql.exec("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)");
    }

    /** Adds one and returns the new value, committed. */
    public long bump() {
        long value = sql.exec("""
                INSERT INTO counter (id, value) VALUES (1, 1)
                ON CONFLICT (id) DO UPDATE SET value = value + 1
                RETURNING value""").one().getLong("value");
        storage.put("last", value);
        return value;
    }

    /** The value stored by the last {@link #bump}, read back. */
    public long last() {
        Long last = storage.get("last", Long.class);
        return last == null ? 0 : last;
    }
}
