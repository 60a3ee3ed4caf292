package dev.cairn.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.AlarmHandler;
import dev.cairn.api.AlarmInfo;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.Refusal;
import dev.cairn.api.SqlRow;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Storage;
import dev.cairn.examples.api.UserSessionApi;
import dev.cairn.examples.model.DeleteResult;
import dev.cairn.examples.model.SessionValue;
import dev.cairn.examples.model.SessionValueRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A user's session (namespace {@code session}): values with a time to live. An expired value is
 * invisible at once (reads compare with the clock); the rows themselves are removed by a cleanup
 * alarm, which is kept at the earliest expiry and, after cleaning, set to the next one.
 */
@RegisterForReflection(fields = false, methods = false)
public final class UserSession implements UserSessionApi, AlarmHandler {
    /** A value's size is bounded as written: JSON text of at most this many characters. */
    static final int MAX_VALUE_LENGTH = 65_536;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectContext ctx;
    private final Storage storage;
    private final SqlStorage sql;
    private final InstantSource clock;

    public UserSession(ObjectContext ctx) {
        this.ctx = ctx;
        this.storage = ctx.storage();
        this.sql = storage.sql();
        this.clock = ctx.clock();
        sql.exec("""
                CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, json TEXT NOT NULL, expires_at INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS entries_expiry ON entries (expires_at)""");
    }

    /** Stores the value under {@code key} for {@code ttlMs}, replacing its value and expiry. */
    @Override
    public void putSessionValue(String key, SessionValueRequest body) {
        String json = write(body.getValue());
        if (json.length() > MAX_VALUE_LENGTH) {
            throw Refusal.badRequest("value must be at most " + MAX_VALUE_LENGTH + " characters written as JSON, got " + json.length());
        }
        long expiresAt = clock.millis() + body.getTtlMs();
        sql.exec("""
                INSERT INTO entries (key, json, expires_at) VALUES (?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET json = excluded.json, expires_at = excluded.expires_at""", key, json, expiresAt);
        scheduleCleanup();
    }

    /** The value, unless it expired (whether or not the cleanup removed it yet). */
    @Override
    public SessionValue getSessionValue(String key) {
        return sql.exec("SELECT key, json, expires_at FROM entries WHERE key = ? AND expires_at > ?", key, clock.millis())
                .toList().stream().findFirst().map(UserSession::value).orElseThrow(() -> Refusal.notFound("no live value '" + key
                        + "' in session '" + ctx.id().name().orElse(ctx.id().toString()) + "' (never set, deleted or expired)"));
    }

    /** The live values, in key order. */
    @Override
    public List<SessionValue> listSessionValues() {
        return sql.exec("SELECT key, json, expires_at FROM entries WHERE expires_at > ? ORDER BY key", clock.millis())
                .toList().stream().map(UserSession::value).toList();
    }

    /** Deletes the key; whether it had a live value. */
    @Override
    public DeleteResult deleteSessionValue(String key) {
        boolean live = !sql.exec("SELECT 1 FROM entries WHERE key = ? AND expires_at > ?", key, clock.millis()).toList().isEmpty();
        if (sql.exec("DELETE FROM entries WHERE key = ?", key).rowsWritten() > 0) {
            scheduleCleanup();
        }
        return new DeleteResult().deleted(live);
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

    private static SessionValue value(SqlRow r) {
        try {
            return new SessionValue().key(r.getString("key")).value(JSON.readTree(r.getString("json")))
                    .expiresAt(Instant.ofEpochMilli(r.getLong("expires_at")).atOffset(ZoneOffset.UTC));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
