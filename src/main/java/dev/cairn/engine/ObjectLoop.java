package dev.cairn.engine;

import dev.cairn.api.ObjectException;
import dev.cairn.api.ObjectId;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.StorageException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * One active object: its virtual thread draining the mailbox, its instance and its database.
 * Everything here runs on that thread, except {@link #mailbox} (shared, lock-guarded),
 * {@link #lastActiveMillis()} (read by the housekeeper) and {@link #terminated}.
 *
 * <p>Life: created by the {@link Catalog} for the first event; runs the constructor before that
 * event; stops when the mailbox is closed (idle eviction, least-recently-used eviction or shutdown),
 * closing the database. An event that throws resets the instance; storage is untouched.
 */
final class ObjectLoop {
    private static final Logger LOG = Logger.getLogger(ObjectLoop.class);
    /** The loop whose event is running on this thread, for engine events (alarms) that need its database. */
    private static final ScopedValue<ObjectLoop> RUNNING = ScopedValue.newInstance();

    final ObjectId id;
    final Mailbox mailbox;
    final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** Socket sends and other effects held back until the batch commits (output gate). */
    final Outbox outbox = new Outbox();
    /** The loop running on the current thread, for socket events (they reach the object's sockets through it). */
    private static final ThreadLocal<ObjectLoop> CURRENT = new ThreadLocal<>();
    private final LocalNamespace<?> namespace;
    private final Engine engine;
    private volatile long lastActiveMillis;

    private Thread thread;
    private Object instance;
    private ObjectDatabase database;
    private boolean isolateEvent;
    private boolean resetRequested;
    private LoopSockets sockets;

    ObjectLoop(LocalNamespace<?> namespace, ObjectId id, Engine engine) {
        this.namespace = namespace;
        this.id = id;
        this.engine = engine;
        this.mailbox = new Mailbox(namespace.mailboxCapacity());
        this.lastActiveMillis = engine.clock().millis();
    }

    /** Starts the thread; it first waits for {@code predecessor} (the same object's previous activation) to close. */
    void start(ObjectLoop predecessor) {
        Thread.ofVirtual().name("cairn " + id.namespace() + "/" + id.toString().substring(0, 12)).start(() -> run(predecessor));
    }

    long lastActiveMillis() {
        return lastActiveMillis;
    }

    /** The loop running the current event; only inside an event. */
    static ObjectLoop running() {
        return RUNNING.get();
    }

    Class<?> kind() {
        return namespace.kind();
    }

    private void run(ObjectLoop predecessor) {
        thread = Thread.currentThread();
        CURRENT.set(this);
        try {
            if (predecessor != null) {
                predecessor.terminated.join();
            }
            List<Envelope> batch;
            while ((batch = mailbox.takeBatch(engine.settings().maxBatch())) != null) {
                processBatch(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "object %s/%s stopped unexpectedly", id.namespace(), id);
        } finally {
            for (Envelope e : mailbox.closeAndTakeAll()) {
                e.reply.completeExceptionally(new OverloadedException("object " + id + " stopped; retry", true));
            }
            instance = null;
            closeDatabase();
            engine.catalog().terminated(this);
            engine.sockets().objectStopped(id);
            terminated.complete(null);
        }
    }

    /**
     * Runs a batch of events and commits their writes once; replies are released only after the
     * commit, so no caller sees a result that is not yet durable.
     */
    private void processBatch(List<Envelope> batch) {
        long now = engine.clock().millis();
        long deadline = engine.settings().queueDeadline().toMillis();
        int fresh = 0;
        for (Envelope e : batch) {
            if (now - e.enqueuedAtMillis <= deadline) {
                fresh++;
            }
        }
        boolean committed = false;
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        boolean batchBroken = false;
        for (int i = 0; i < batch.size(); i++) {
            Envelope e = batch.get(i);
            if (now - e.enqueuedAtMillis > deadline) {
                failures[i] = engine.catalog().queuedTooLong(id, now - e.enqueuedAtMillis);
                continue;
            }
            try {
                results[i] = runEvent(e, fresh > 1);
            } catch (EventFailed f) {
                failures[i] = f.getCause();
                batchBroken |= f.batchLost;
            }
        }
        if (batchBroken) {
            failWholeBatch(results, failures, "an earlier event's rollback failed");
        } else {
            committed = commit(results, failures, batch.size());
        }
        // Idle from here on: a caller that has its reply may rely on the object being evictable.
        lastActiveMillis = engine.clock().millis();
        mailbox.batchDone();
        if (committed) {
            outbox.batchCommitted(); // what the batch sent leaves now that its writes are durable
        }
        for (int i = 0; i < batch.size(); i++) {
            if (failures[i] != null) {
                batch.get(i).reply.completeExceptionally(failures[i]);
            } else {
                batch.get(i).reply.complete(results[i]);
            }
        }
    }

    /**
     * Commits the batch. A changed alarm is first recorded in the node's alarm index as an intent
     * (durable before the object's commit, so a crash in between is repaired at start-up), and
     * confirmed there after the commit. Returns whether the batch's writes are durable.
     */
    private boolean commit(Object[] results, Throwable[] failures, int calls) {
        if (database == null) {
            return true;
        }
        OptionalLong alarm;
        try {
            alarm = database.alarm().takeChange();
            if (alarm != null) {
                engine.alarms().beforeCommit(id, alarm).join();
            }
        } catch (RuntimeException ex) {
            failWholeBatch(results, failures, "the alarm index could not record the new alarm: " + messageOf(ex));
            return false;
        }
        try {
            long started = System.nanoTime();
            database.commit();
            if (engine.settings().durability() == Durability.FULL) {
                database.makeDurable(engine.commitLog());
            }
            engine.metrics().namespace(id.namespace()).committed(System.nanoTime() - started, calls);
        } catch (SQLException | IOException ex) {
            failWholeBatch(results, failures, "commit failed: " + ex.getMessage());
            if (alarm != null) {
                engine.alarms().commitFailed(id);
            }
            return false;
        }
        if (alarm != null) {
            engine.alarms().afterCommit(id, alarm);
        }
        return true;
    }

    private void failWholeBatch(Object[] results, Throwable[] failures, String why) {
        StorageException failure = new StorageException("the call's writes were not saved: " + why + "; retry", null, true);
        for (int i = 0; i < failures.length; i++) {
            if (failures[i] == null) {
                failures[i] = failure;
                results[i] = null;
            }
        }
        outbox.batchFailed();
        instance = null;
        closeDatabase();
    }

    private Object runEvent(Envelope e, boolean isolate) throws EventFailed {
        isolateEvent = isolate;
        if (database != null) {
            database.eventStarting(isolate);
        }
        if (sockets != null) {
            sockets.eventStarting();
        }
        try {
            Object result = ScopedValue.where(CallChain.CURRENT, e.chain.with(id)).where(RUNNING, this).call(() -> {
                Object target = instance();
                return e.call.apply(target);
            });
            if (database != null) {
                database.eventSucceeded();
            }
            outbox.eventSucceeded();
            if (resetRequested) {
                instance = null;
                resetRequested = false;
            }
            return result;
        } catch (Throwable t) {
            boolean batchLost = false;
            try {
                if (database != null) {
                    database.eventFailed();
                }
            } catch (SQLException rollbackFailed) {
                batchLost = true;
            }
            outbox.eventFailed();
            instance = null;
            resetRequested = false;
            throw new EventFailed(asCallerSees(t), batchLost);
        }
    }

    /** The instance, constructed first if this activation (or the last reset) has none yet. */
    private Object instance() throws Exception {
        if (instance == null) {
            try {
                instance = namespace.objectKind().construct(new LiveContext(this, engine));
            } catch (Exception ex) {
                throw new ObjectException("constructor of " + namespace.kind().getSimpleName() + " failed: "
                        + messageOf(ex), ex);
            }
        }
        return instance;
    }

    /** The database, opened on first use in this activation. Only on this object's thread. */
    ObjectDatabase database() {
        if (Thread.currentThread() != thread) {
            throw new StorageException("storage of " + id.namespace() + "/" + id
                    + " used outside its own thread; use it only while an event runs");
        }
        if (database == null) {
            database = engine.diskCalls().call(
                    () -> ObjectDatabase.open(engine.catalog().databaseFile(id), engine.settings().limits(), engine.codec()));
            database.eventStarting(isolateEvent);
        }
        return database;
    }

    /** The loop running on this thread (null outside object threads). */
    static ObjectLoop current() {
        return CURRENT.get();
    }

    boolean onOwnThread() {
        return Thread.currentThread() == thread;
    }

    /** This activation's view of the object's sockets (created on first use). Only on this object's thread. */
    LoopSockets sockets() {
        if (sockets == null) {
            sockets = new LoopSockets(this, namespace, engine);
        }
        return sockets;
    }

    void requestReset() {
        resetRequested = true;
    }

    private void closeDatabase() {
        if (database != null) {
            ObjectDatabase closing = database;
            database = null;
            closing.releaseWalIndex();
            engine.diskCalls().run(closing::close);
        }
    }

    /** What object code threw, as its caller sees it (an error from a nested call passes through). */
    private static ObjectException asCallerSees(Throwable t) {
        return t instanceof ObjectException o ? o : new ObjectException(messageOf(t), t);
    }

    static String messageOf(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** An event failed; {@code batchLost} when its rollback failed and the batch cannot be trusted. */
    private static final class EventFailed extends Exception {
        final boolean batchLost;

        EventFailed(Throwable cause, boolean batchLost) {
            super(null, cause, false, false);
            this.batchLost = batchLost;
        }
    }
}
