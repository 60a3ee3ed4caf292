package dev.cairn.examples;

import dev.cairn.api.AlarmHandler;
import dev.cairn.api.AlarmInfo;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.SqlRow;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Storage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * A user's session (namespace {@code session}): values with a time to live. An expired value is
 * invisible at once (reads compare with the clock); the rows themselves are removed by a cleanup
 * alarm, which is kept at the earliest expiry and, after cleaning, set to the next one.
 */
@RegisterForReflection(fields = false, methods = false)
public final class UserSession implements AlarmHandler {
    /** A value, as JSON text, and the instant it expires. */
    public record Entry(String key, String json, Instant expiresAt) {}

    private final Storage storage;
    private final SqlStorage sql;
    private final InstantSource clock;

    public UserSession(ObjectContext ctx) {
        this.storage = ctx.storage();
        this.sql = storage.sql();
        this.clock = ctx.clock();
        sql.exec("""
                CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, json TEXT NOT NULL, expires_at INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS entries_expiry ON entries (expires_at)""");
    }

    /** Stores {@code json} under {@code key} for {@code ttlMs}, replacing its value and expiry; when it expires. */
    public Instant put(String key, String json, long ttlMs) {
        long expiresAt = clock.millis() + ttlMs;
        sql.exec("""
                INSERT INTO entries (key, json, expires_at) VALUES (?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET json = excluded.json, expires_at = excluded.expires_at""", key, json, expiresAt);
        scheduleCleanup();
        return Instant.ofEpochMilli(expiresAt);
    }

    /** The value, unless it expired (whether or not the cleanup removed it yet). */
    public Optional<Entry> get(String key) {
        return sql.exec("SELECT key, json, expires_at FROM entries WHERE key = ? AND expires_at > ?", key, clock.millis())
                .toList().stream().findFirst().map(UserSession::entry);
    }

    /** The live values, in key order. */
    public List<Entry> list() {
        return sql.exec("SELECT key, json, expires_at FROM entries WHERE expires_at > ? ORDER BY key", clock.millis())
                .toList().stream().map(UserSession::entry).toList();
    }

    /** Deletes the key; whether it had a live value. */
    public boolean delete(String key) {
        boolean live = get(key).isPresent();
        if (sql.exec("DELETE FROM entries WHERE key = ?", key).rowsWritten() > 0) {
            scheduleCleanup();
        }
        return live;
    }

    /** Rows stored, expired ones not yet cleaned up included (for tests and tools). */
    public long storedCount() {
        return sql.exec("SELECT count(*) AS n FROM entries").one().getLong("n");
    }

    /** The cleanup: removes every expired row, then sets the alarm to the next expiry (none when empty). */
    @Override
    public void alarm(AlarmInfo info) {
        sql.exec("DELETE FROM entries WHERE expires_at <= ?", clock.millis());
        scheduleCleanup();
    }

    /** Keeps the alarm at the earliest expiry; setting it to the time it already has changes nothing. */
    private void scheduleCleanup() {
        Long next = sql.exec("SELECT min(expires_at) AS next FROM entries").one().getLong("next");
        if (next == null) {
            storage.deleteAlarm();
        } else {
            storage.setAlarm(Instant.ofEpochMilli(next));
        }
    }

    private static Entry entry(SqlRow r) {
        return new Entry(r.getString("key"), r.getString("json"), Instant.ofEpochMilli(r.getLong("expires_at")));
    }
}
