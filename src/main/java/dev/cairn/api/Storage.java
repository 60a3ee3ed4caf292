package dev.cairn.api;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * An object's private storage: one SQLite database holding the object's SQL tables and its
 * key-value entries. All writes of one event (a call, an alarm run or a socket event) commit
 * together when the event returns and roll back if it throws; the caller sees the result only after
 * the commit is durable. Use it only on the object's own thread, while an event runs.
 *
 * <h2>Key-value entries</h2>
 * Keys are strings (at most {@code cairn.storage.kv-max-key-bytes} UTF-8 bytes, 2,048 by default),
 * ordered by their UTF-8 bytes. Values are {@code byte[]} (stored as is) or anything Jackson maps to
 * JSON: records, lists, maps, strings, numbers, booleans. A typed read ({@code get(key, type)})
 * returns a value equal to the one written; an untyped read returns the JSON shape ({@code Map},
 * {@code List}, {@code String}, {@code Long}, {@code Double}, {@code Boolean}) or {@code byte[]}.
 * Key plus encoded value is limited to {@code cairn.storage.kv-max-entry-bytes} (2,000,000).
 * The entries live in the object's SQLite file (table {@code _cairn_kv}), so SQL and key-value writes
 * of one event commit together.
 */
public interface Storage {

    /** The SQL API over the object's database. */
    SqlStorage sql();

    /** The value stored under {@code key} in its JSON shape (or {@code byte[]}), {@code null} when absent. */
    Object get(String key);

    /** The value stored under {@code key} read as {@code type}, {@code null} when absent. */
    <T> T get(String key, Class<T> type);

    /** The entries found among {@code keys}, in key order; absent keys are left out. */
    Map<String, Object> get(Collection<String> keys);

    /** The entries found among {@code keys}, read as {@code type}, in key order. */
    <T> Map<String, T> get(Collection<String> keys, Class<T> type);

    /** Stores {@code value} (not {@code null}: use {@link #delete(String)}) under {@code key}, replacing any value. */
    void put(String key, Object value);

    /** Stores every entry, atomically with the rest of the event. */
    void put(Map<String, ?> entries);

    /** Deletes {@code key}; whether it existed. */
    boolean delete(String key);

    /** Deletes {@code keys}; how many existed. */
    int delete(Collection<String> keys);

    /** Entries selected by {@code options}, in key order (descending when reversed). */
    Map<String, Object> list(ListOptions options);

    /** Entries selected by {@code options}, read as {@code type}. */
    <T> Map<String, T> list(ListOptions options, Class<T> type);

    /**
     * Deletes everything this object stored: every key-value entry, every SQL table, view, index
     * and trigger, and its alarm, atomically with the rest of the event.
     */
    void deleteAll();

    /**
     * Runs {@code body} as a transaction nested in the event: its writes are kept only if it returns
     * without having called {@link Transaction#rollback()}; if it throws, its writes are undone and the
     * exception propagates (the event may catch it and go on; its other writes are kept).
     *
     * <p>Nesting: a transaction inside another is a nested savepoint. Rolling back the inner one
     * undoes only its writes; rolling back the outer one undoes the inner one's too, even when the inner
     * one completed. Nothing is durable before the event itself returns: if the event throws, every
     * transaction in it is undone.
     */
    <T> T transaction(Transactional<T> body);

    /** The time this object's alarm is set for; empty when it has none. Unchanged while a failed alarm is retried. */
    Optional<Instant> getAlarm();

    /**
     * Sets this object's one alarm, replacing any other (and stopping its retries); a time in the
     * past fires at once. Written atomically with the rest of the event. The object's class must
     * implement {@link AlarmHandler}.
     */
    void setAlarm(Instant time);

    /** Deletes this object's alarm, if any, and stops its retries. */
    void deleteAlarm();

    /**
     * Point-in-time recovery, as on Cloudflare: the bookmark of this object's last committed state
     * (the writes of the running event are not in it until they commit). Bookmarks are strings that
     * sort in time order. History is kept for {@code cairn.storage.history.window} (30 days by default)
     * within {@code cairn.storage.history.max-bytes-per-object}.
     */
    String getCurrentBookmark();

    /**
     * The bookmark of the last state this object committed at or before {@code time}. Refused (with
     * {@link IllegalArgumentException}) for a time in the future, older than the history window, or
     * before the object's kept history begins.
     */
    String getBookmarkForTime(Instant time);

    /**
     * Restores this object to {@code bookmark} when it next starts: its database is replaced atomically
     * before the next instance sees it, after the running instance is reset (by {@link
     * ObjectContext#abort}, a failed event, eviction or a restart). Returns the bookmark of the state
     * now, which undoes the restore when restored in turn. Refused for a bookmark that is not a point of
     * this object's kept history.
     */
    String onNextSessionRestoreBookmark(String bookmark);
}
