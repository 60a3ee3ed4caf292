package dev.cairn.runtime;

import dev.cairn.storage.ObjectDatabase;

import dev.cairn.api.AbortedException;
import dev.cairn.api.AlarmAfterAbort;
import dev.cairn.api.AlarmHandler;
import dev.cairn.api.Completion;
import dev.cairn.api.ListOptions;
import dev.cairn.api.Namespaces;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.ObjectException;
import dev.cairn.api.ObjectId;
import dev.cairn.api.ObjectSockets;
import dev.cairn.api.SqlCursor;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Storage;
import dev.cairn.api.Transaction;
import dev.cairn.api.Transactional;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * The context handed to one instance. Storage calls go to the loop's database on the object's own
 * thread (and are refused from any other thread).
 */
final class LiveContext implements ObjectContext, Storage, SqlStorage {
    private final ObjectLoop loop;
    private final InstantSource clock;
    private final Namespaces namespaces;

    LiveContext(ObjectLoop loop, InstantSource clock, Namespaces namespaces) {
        this.loop = loop;
        this.clock = clock;
        this.namespaces = namespaces;
    }

    @Override
    public ObjectId id() {
        return loop.id();
    }

    @Override
    public Storage storage() {
        return this;
    }

    @Override
    public ObjectSockets sockets() {
        return loop.sockets();
    }

    @Override
    public InstantSource clock() {
        return clock;
    }

    @Override
    public Namespaces namespaces() {
        return namespaces;
    }

    @Override
    public <T> T blockConcurrencyWhile(Callable<T> init) {
        try {
            return init.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ObjectException(CallerErrors.messageOf(e), e);
        }
    }

    @Override
    public <T> void outside(Callable<T> work, Completion<T> then) {
        if (work == null || then == null) {
            throw new IllegalArgumentException("outside(work, then) needs both the work and what to do with its outcome;"
                    + " use waitUntil(work) for work whose outcome is not needed");
        }
        loop.startOutside(work, then, this);
    }

    @Override
    public void waitUntil(Callable<?> work) {
        if (work == null) {
            throw new IllegalArgumentException("waitUntil(work) needs the work to run");
        }
        loop.startOutside(work, null, this);
    }

    @Override
    public void abort(String reason, AlarmAfterAbort alarm) {
        throw loop.abort(new AbortedException(reason, alarm));
    }

    @Override
    public SqlStorage sql() {
        return this;
    }

    @Override
    public String getCurrentBookmark() {
        return loop.bookmarks().current();
    }

    @Override
    public String getBookmarkForTime(Instant time) {
        if (time == null) {
            throw new IllegalArgumentException("getBookmarkForTime(time) needs a time");
        }
        return loop.bookmarks().forTime(time);
    }

    @Override
    public String onNextSessionRestoreBookmark(String bookmark) {
        return loop.bookmarks().restoreOnNextStart(bookmark);
    }

    @Override
    public SqlCursor exec(String query, Object... params) {
        return loop.database().exec(query, params);
    }

    @Override
    public long databaseSize() {
        return loop.database().size();
    }

    @Override
    public Object get(String key) {
        return loop.database().kv().get(key, Object.class);
    }

    @Override
    public <T> T get(String key, Class<T> type) {
        return loop.database().kv().get(key, type);
    }

    @Override
    public Map<String, Object> get(Collection<String> keys) {
        return loop.database().kv().get(keys, Object.class);
    }

    @Override
    public <T> Map<String, T> get(Collection<String> keys, Class<T> type) {
        return loop.database().kv().get(keys, type);
    }

    @Override
    public void put(String key, Object value) {
        loop.database().kv().put(key, value);
    }

    @Override
    public void put(Map<String, ?> entries) {
        loop.database().kv().put(entries);
    }

    @Override
    public boolean delete(String key) {
        return loop.database().kv().delete(key);
    }

    @Override
    public int delete(Collection<String> keys) {
        return loop.database().kv().delete(keys);
    }

    @Override
    public Map<String, Object> list(ListOptions options) {
        return loop.database().kv().list(options, Object.class);
    }

    @Override
    public <T> Map<String, T> list(ListOptions options, Class<T> type) {
        return loop.database().kv().list(options, type);
    }

    @Override
    public void deleteAll() {
        ObjectDatabase db = loop.database();
        db.alarm().beforeWrite();
        db.dropEverything();
    }

    @Override
    public Optional<Instant> getAlarm() {
        OptionalLong at = loop.database().alarm().get();
        return at.isPresent() ? Optional.of(Instant.ofEpochMilli(at.getAsLong())) : Optional.empty();
    }

    @Override
    public void setAlarm(Instant time) {
        if (time == null) {
            throw new IllegalArgumentException("the alarm time may not be null; use deleteAlarm() to remove the alarm");
        }
        if (!AlarmHandler.class.isAssignableFrom(loop.kind())) {
            throw new IllegalStateException(loop.kind().getSimpleName() + " cannot set an alarm: it does not implement "
                    + AlarmHandler.class.getName() + ", so there would be nothing to run");
        }
        loop.database().alarm().set(time.toEpochMilli(), loop.id().name());
    }

    @Override
    public void deleteAlarm() {
        loop.database().alarm().delete();
    }

    @Override
    public <T> T transaction(Transactional<T> body) {
        ObjectDatabase db = loop.database();
        db.savepointBegin();
        var txn = new NestedTransaction();
        boolean keep = false;
        try {
            T result = body.run(txn);
            keep = !txn.rollbackOnly;
            return result;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ObjectException(CallerErrors.messageOf(e), e);
        } finally {
            db.savepointEnd(keep);
        }
    }

    /** The handle of one {@link #transaction} body; used on the object's thread only. */
    private static final class NestedTransaction implements Transaction {
        private boolean rollbackOnly;

        @Override
        public void rollback() {
            rollbackOnly = true;
        }

        @Override
        public boolean isRollbackOnly() {
            return rollbackOnly;
        }
    }
}
