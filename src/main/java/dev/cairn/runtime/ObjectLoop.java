package dev.cairn.runtime;

import dev.cairn.runtime.EventFailed.BatchLoss;
import dev.cairn.alarms.AlarmHooks;
import dev.cairn.api.AbortedException;
import dev.cairn.api.EventTimeoutException;
import dev.cairn.api.Completion;
import dev.cairn.api.FetchHandler;
import dev.cairn.api.ObjectException;
import dev.cairn.api.NotLeaderException;
import dev.cairn.api.ObjectId;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Refusal;
import dev.cairn.api.StorageException;
import dev.cairn.sockets.ActivationAccess;
import dev.cairn.sockets.AfterCommit;
import dev.cairn.sockets.LoopSockets;
import dev.cairn.sockets.SocketHub;
import dev.cairn.storage.ObjectDatabase;
import dev.cairn.history.Bookmarks;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * One active object: its virtual thread draining the mailbox, its instance and its database.
 * Everything here runs on that thread, except {@link #mailbox} (shared, lock-guarded),
 * {@link #lastActiveMillis()} (read by the housekeeper), {@link #timeOutOverdue} (the housekeeper's,
 * through the thread-safe {@link EventWatch}) and {@link #terminated}.
 *
 * <p>Life: created by the {@link Catalog} for the first event; runs the constructor before that
 * event; stops when the mailbox is closed (idle eviction, least-recently-used eviction or shutdown),
 * closing the database. An event that throws resets the instance, except a {@link Refusal}; either
 * way its writes are rolled back.
 *
 * <p>Longer than 400 lines on purpose: one object's life on one thread (activation, the batch of
 * events, the commit and what its outcome releases, eviction) reads best in one place; the parts
 * that stand alone are already apart ({@link Mailbox}, {@link ObjectFiles}, {@link Deletion}, {@link Outbox}, {@link EventWatch}).
 */
final class ObjectLoop implements ActivationAccess {
    private static final Logger LOG = Logger.getLogger(ObjectLoop.class);

    /** Written by delivering threads once, when a call by name reaches a loop activated by id (see {@link #knownAs}). */
    volatile ObjectId id;
    final Mailbox mailbox;
    final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** Socket sends and other effects held back until the batch commits (output gate). */
    final Outbox outbox = new Outbox();
    /** Work this activation's instances run outside their events; it holds the mailbox open. */
    final OutsideWork outside;
    final LocalNamespace<?> namespace;
    private final LoopServices services;
    private final Catalog catalog;
    private final AlarmHooks alarms;
    private final SocketHub socketHub;
    private volatile long lastActiveMillis;

    private Thread thread;
    private Object instance;
    /** The context of {@link #instance}; a reset makes a new one with the next instance. */
    private LiveContext context;
    /** The database file, opened on first use. */
    private final ObjectFiles files;
    private boolean isolateEvent;
    /** The abort the running event asked for, if any: it fails the event even when the object's code caught it. */
    private AbortedException aborting;
    /** The time limit of the call, fetch or alarm run in progress. */
    private final EventWatch watch = new EventWatch();
    private LoopSockets sockets;
    /** The batch running is a deletion: its files go once it commits. */
    private boolean deletedThisBatch;

    ObjectLoop(LocalNamespace<?> namespace, ObjectId id, LoopServices services) {
        this.namespace = namespace;
        this.id = id;
        this.services = services;
        this.catalog = services.catalog();
        this.alarms = services.alarms();
        this.socketHub = services.sockets();
        this.mailbox = new Mailbox(namespace.mailboxCapacity());
        this.outside = new OutsideWork(id, mailbox, services.clock(), namespace.meters());
        this.files = new ObjectFiles(services);
        this.lastActiveMillis = services.clock().millis();
    }

    /** Starts the thread; it first waits for {@code predecessor} (the same object's previous activation) to close. */
    void start(ObjectLoop predecessor) {
        Thread.ofVirtual().name("cairn " + id.namespace() + "/" + id.toString().substring(0, 12)).start(() -> run(predecessor));
    }

    long lastActiveMillis() {
        return lastActiveMillis;
    }

    Class<?> kind() {
        return namespace.kind();
    }

    private void run(ObjectLoop predecessor) {
        thread = Thread.currentThread();
        try {
            if (predecessor != null) {
                predecessor.terminated.join();
            }
            List<Envelope> batch;
            while ((batch = mailbox.takeBatch(services.settings().maxBatch())) != null) {
                for (List<Envelope> part : Deletion.apart(batch)) {
                    processBatch(part);
                }
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
            context = null;
            files.close(id);
            catalog.terminated(this);
            socketHub.objectStopped(id);
            terminated.complete(null);
        }
    }

    /**
     * Runs a batch of events and commits their writes once; replies are released only after the
     * commit, so no caller sees a result that is not yet durable.
     */
    private void processBatch(List<Envelope> batch) {
        long now = services.clock().millis();
        long deadline = services.settings().queueDeadline().toMillis();
        int fresh = 0;
        for (Envelope e : batch) {
            if (!queuedTooLong(e, now, deadline)) {
                fresh++;
            }
        }
        boolean committed = false;
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        BatchLoss lost = BatchLoss.NONE;
        for (int i = 0; i < batch.size(); i++) {
            Envelope e = batch.get(i);
            if (queuedTooLong(e, now, deadline)) {
                failures[i] = catalog.queuedTooLong(namespace, id, now - e.enqueuedAtMillis);
                continue;
            }
            if (lost != BatchLoss.NONE) {
                continue; // its writes could not be kept: not run, failed with the rest below
            }
            try {
                results[i] = runEvent(e, batch, fresh > 1);
            } catch (EventFailed f) {
                failures[i] = f.getCause();
                lost = f.loss;
            }
        }
        if (lost != BatchLoss.NONE) {
            failWholeBatch(results, failures, ObjectFiles.notSaved(lost.why));
        } else {
            committed = commit(results, failures, batch.size());
        }
        // Idle from here on: a caller that has its reply may rely on the object being evictable.
        lastActiveMillis = services.clock().millis();
        mailbox.batchDone();
        if (committed) {
            outbox.batchCommitted(); // what the batch sent leaves now that its writes are durable
        }
        if (deletedThisBatch) {
            deletedThisBatch = false;
            if (committed) {
                files.removeDeleted(id);
            }
        }
        files.batchDone(id, instance == null);
        for (int i = 0; i < batch.size(); i++) {
            if (failures[i] != null) {
                batch.get(i).reply.completeExceptionally(failures[i]);
            } else {
                batch.get(i).reply.complete(results[i]);
            }
        }
    }

    /** Whether {@code e} waited past the queue deadline; the outcome of the object's own work waits for no caller. */
    private static boolean queuedTooLong(Envelope e, long nowMillis, long deadlineMillis) {
        return !(e.event instanceof Event.Resume) && nowMillis - e.enqueuedAtMillis > deadlineMillis;
    }

    /** Commits the batch (see {@link ObjectFiles#commit}); returns whether its writes are durable, else fails every call. */
    private boolean commit(Object[] results, Throwable[] failures, int calls) {
        return switch (files.commit(id, calls, namespace.meters())) {
            case ObjectFiles.Commit.Durable durable -> true;
            case ObjectFiles.Commit.Lost lost -> {
                failWholeBatch(results, failures, lost.failure());
                yield false;
            }
        };
    }


    private void failWholeBatch(Object[] results, Throwable[] failures, RuntimeException failure) {
        for (int i = 0; i < failures.length; i++) {
            if (failures[i] == null) {
                failures[i] = failure;
                results[i] = null;
            }
        }
        outbox.batchFailed();
        instance = null;
        context = null;
        files.close(id);
    }

    private Object runEvent(Envelope e, List<Envelope> batch, boolean isolate) throws EventFailed {
        isolateEvent = isolate;
        boolean constructedBefore = instance != null;
        if (files.opened() != null) {
            files.opened().eventStarting(isolate);
        }
        if (sockets != null) {
            sockets.eventStarting();
        }
        watch.begin(e, batch, services.clock().millis());
        Object result = null;
        Throwable thrown = null;
        try {
            result = ScopedValue.where(CallChain.CURRENT, e.chain.with(id)).call(() -> handle(e.event));
        } catch (Throwable t) {
            thrown = t;
        }
        EventTimeoutException timedOut = watch.end();
        try {
            if (timedOut != null) {
                throw timedOut; // its caller has had the answer; the event's writes (and its batch's) are not kept
            }
            if (thrown != null) {
                throw thrown;
            }
            if (aborting != null) {
                throw aborting; // the object caught its own abort: the event fails all the same
            }
            if (files.opened() != null) {
                files.opened().eventSucceeded();
            }
            outbox.eventSucceeded();
            return result;
        } catch (Throwable t) {
            boolean batchLost = false;
            try {
                if (files.opened() != null) {
                    files.opened().eventFailed();
                }
            } catch (SQLException rollbackFailed) {
                batchLost = true;
            }
            outbox.eventFailed();
            // A refusal is an answer the object chose: its instance is consistent, so it is kept (unless
            // the event aborted, or constructed it: the constructor's writes, its tables, were rolled
            // back with the event). Anything else may have left the fields half-changed.
            Throwable failure = timedOut != null ? timedOut : aborting != null ? aborting : t;
            aborting = null;
            if (!(failure instanceof Refusal) || !constructedBefore) {
                instance = null;
                context = null;
            }
            throw new EventFailed(CallerErrors.asCallerSees(failure),
                    timedOut != null ? BatchLoss.TIMED_OUT : batchLost ? BatchLoss.ROLLBACK_FAILED : BatchLoss.NONE);
        }
    }

    /**
     * Housekeeper: answers an event running past its namespace's time limit at once ({@link EventWatch}); the
     * loop rolls its batch back and resets the instance once the object's code returns. Java cannot stop the
     * thread: until then the object runs nothing else, and its queued calls meet the queue deadline.
     */
    void timeOutOverdue(long nowMillis) {
        EventTimeoutException timedOut = watch.timeOutOverdue(nowMillis, namespace.eventTimeout(), id);
        if (timedOut != null) {
            LOG.warnf("%s", timedOut.getMessage());
        }
    }

    /** Runs one event: the node's one switch over everything an object receives. */
    private Object handle(Event event) throws Exception {
        return switch (event) {
            case Event.Call call -> call.method().apply(instance());
            case Event.Fetch fetch -> ((FetchHandler) instance()).fetch(fetch.request());
            case Event.Alarm alarm -> alarms.handle(alarm.work(), instance(), database().alarm());
            case Event.Socket socket -> socketHub.handle(socket.event(), instance(), sockets());
            case Event.Resume resume -> OutsideWork.resume(resume, instance == null ? null : context);
            case Event.Bookmark bookmark -> {
                Object answer = bookmark.work().apply(bookmarks());
                if (files.restorePending()) {
                    instance = null; // an administrator's restore restarts the object at once
                    context = null;
                }
                yield answer;
            }
            case Event.Admin admin -> admin.work().run(database(), sockets(), Node.adminTimeLimit(services.settings().adminQueryTimeLimit(), namespace.eventTimeout()));
            case Event.Delete delete -> {
                deleteEverything();
                yield null;
            }
            case Event.Within within -> {
                Object target = instance();
                yield within.work().run(target, context);
            }
        };
    }

    /**
     * Starts {@code work} outside the events of the instance of {@code startedBy} once the running event's
     * batch commits (never if it does not); its outcome comes back to {@code then} (none: waitUntil).
     */
    <T> void startOutside(Callable<T> work, Completion<T> then, LiveContext startedBy) {
        outside.checkAsked(Thread.currentThread() == thread && startedBy == context);
        outbox.add(() -> outside.start(work, then, startedBy));
    }

    /**
     * Empties the database in the event's transaction (tables, entries and the alarm, whose index row
     * follows through the commit like any alarm change), closes the sockets once it commits, and drops
     * the instance: the next event constructs a new one on the empty database.
     */
    private void deleteEverything() {
        ObjectDatabase db = database();
        db.alarm().beforeWrite();
        db.dropEverything();
        for (var socket : sockets().all()) {
            socket.close(1001, "the object was deleted");
        }
        instance = null;
        context = null;
        deletedThisBatch = true;
    }

    /** The instance, constructed first if this activation (or the last reset) has none yet. */
    private Object instance() throws Exception {
        if (instance == null) {
            try {
                context = new LiveContext(this, services.clock(), services.namespaces());
                instance = namespace.objectKind().construct(context);
            } catch (NotLeaderException | AbortedException ex) {
                // The constructor's first write found this node no longer leading (the caller retries
                // elsewhere), or the constructor aborted: the caller sees either as it is.
                throw ex;
            } catch (Exception ex) {
                if (ex instanceof StorageException s && s.retryable()) {
                    throw s; // the disk failed the constructor's first write (no room): not the constructor's fault, retryable
                }
                throw new ObjectException("constructor of " + namespace.kind().getSimpleName() + " failed: "
                        + CallerErrors.messageOf(ex), ex);
            }
        }
        return instance;
    }

    /** The database, opened on first use in this activation. Only on this object's thread. */
    @Override
    public ObjectDatabase database() {
        if (Thread.currentThread() != thread) {
            throw new StorageException("storage of " + id.namespace() + "/" + id
                    + " used outside its own thread; use it only while an event runs");
        }
        return files.open(id, isolateEvent);
    }

    /** The object's bookmarks; only on this object's thread. A restore takes effect once the instance is reset. */
    Bookmarks bookmarks() {
        database(); // checks the thread
        return files.bookmarks(id, isolateEvent);
    }

    @Override
    public ObjectId id() {
        return id;
    }

    /**
     * Learns the object's name from a call that used it, when this activation began without one (a
     * call by id, or an alarm check of a new leader, which finds the object by its file): from then on
     * {@code ctx.id().name()} answers it, as it does for an activation by name.
     */
    void knownAs(ObjectId named) {
        if (id.name().isEmpty() && named.name().isPresent() && named.equals(id)) {
            id = named;
        }
    }

    @Override
    public void afterCommit(AfterCommit effect) {
        outbox.add(effect);
    }

    @Override
    public boolean onOwnThread() {
        return Thread.currentThread() == thread;
    }

    /** This activation's view of the object's sockets (created on first use). Only on this object's thread. */
    LoopSockets sockets() {
        if (sockets == null) {
            sockets = socketHub.activation(this);
        }
        return sockets;
    }

    /** Records {@code abort} for the running event and returns it, for the caller to throw. */
    AbortedException abort(AbortedException abort) {
        if (aborting == null) {
            aborting = abort;
        }
        return aborting;
    }
}
