package dev.cairn.runtime;

import dev.cairn.alarms.AlarmHooks;
import dev.cairn.api.NotLeaderException;
import dev.cairn.api.ObjectId;
import dev.cairn.api.StorageException;
import dev.cairn.history.Bookmarks;
import dev.cairn.storage.AlarmChange;
import dev.cairn.storage.DiskFaults;
import dev.cairn.storage.ObjectDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * One activation's database file: opened on first use (listed in the inventory before the file can
 * exist, restored when a restore is pending), committed after each batch (with the alarm index's intent
 * around it), replaced by a restore once the instance is reset, closed, and removed once a deletion
 * committed. Owned by its object's thread.
 */
final class ObjectFiles {
    private static final Logger LOG = Logger.getLogger(ObjectFiles.class);

    /** What the object's next start opens. */
    private enum NextStart {
        SAME_DATABASE,
        /** A restore is pending: once the instance is reset, the database closes after the batch, and opens restored. */
        RESTORED
    }

    private final LoopServices services;
    private final AlarmHooks alarms;
    private ObjectDatabase database;
    private NextStart nextStart = NextStart.SAME_DATABASE;

    ObjectFiles(LoopServices services) {
        this.services = services;
        this.alarms = services.alarms();
    }

    /** How a batch's commit ended. */
    sealed interface Commit {
        /** Its writes (if any) are durable and, in a cluster, this node still leads the object's group. */
        record Durable() implements Commit {}

        /** Nothing of the batch is kept; {@code failure} is what its callers get. */
        record Lost(RuntimeException failure) implements Commit {}
    }

    private static final Commit DURABLE = new Commit.Durable();

    /** The database if this activation opened it, else null. */
    ObjectDatabase opened() {
        return database;
    }

    /** The database, opened first if this activation has not yet; {@code isolate}: the running event's. */
    ObjectDatabase open(ObjectId id, boolean isolate) {
        if (database == null) {
            // Listed before the file can exist: the inventory never misses a database, even after a crash.
            try {
                services.inventory().opening(id).join();
            } catch (CompletionException e) {
                throw DiskFaults.of(e.getCause(), "the object could not be listed in the node's inventory, nothing ran").orElseThrow(() -> e);
            }
            Path file = services.catalog().databaseFile(id);
            boolean restoring = services.history().restorePending(file);
            database = services.disk().call(() -> ObjectDatabase.open(file, services.settings().limits(),
                    services.codec(), services.durability()));
            if (restoring) {
                alarmRestored(id, database);
            }
            database.eventStarting(isolate);
        }
        return database;
    }

    /**
     * Commits the batch's writes. A changed alarm is first recorded in the node's alarm index as an
     * intent (durable before the object's commit, so a crash in between is repaired at start-up), and
     * confirmed there after the commit. A batch that wrote nothing (or whose commit the durability seam
     * did not confirm) still asks the placement whether this node may answer for the object.
     */
    Commit commit(ObjectId id, int calls, NodeMeters.NamespaceMeters meters) {
        boolean confirmed = false;
        if (database != null) {
            OptionalLong alarm;
            try {
                alarm = database.alarm().takeChange();
                if (alarm != null) {
                    alarms.beforeCommit(id, alarm).join();
                }
            } catch (RuntimeException ex) {
                return new Commit.Lost(notSaved("the alarm index could not record the new alarm: " + CallerErrors.messageOf(ex)));
            }
            try {
                long started = System.nanoTime();
                boolean wrote = database.commit();
                confirmed = database.makeDurable(AlarmChange.of(alarm, id.name()));
                if (wrote) {
                    services.inventory().written(id, database.size());
                }
                meters.committed(System.nanoTime() - started, calls);
            } catch (SQLException | IOException | NotLeaderException ex) {
                if (alarm != null) {
                    alarms.commitFailed(id);
                }
                return new Commit.Lost(ex instanceof NotLeaderException n ? n : notSaved("commit failed: " + ex.getMessage()));
            }
            if (alarm != null) {
                alarms.afterCommit(id, alarm);
            }
        }
        if (!confirmed) {
            try {
                services.placement().confirmHere(id);
            } catch (NotLeaderException ex) {
                return new Commit.Lost(ex);
            }
        }
        return DURABLE;
    }

    /** What the callers of a batch whose writes were not kept get: retryable. */
    static StorageException notSaved(String why) {
        return new StorageException("the call's writes were not saved: " + why + "; retry", null, true);
    }

    /** The database was restored as it opened: the node's alarm index learns the alarm the restored state holds. */
    private void alarmRestored(ObjectId id, ObjectDatabase restored) {
        OptionalLong alarm = restored.alarm().get();
        alarms.beforeCommit(id, alarm).join();
        alarms.afterCommit(id, alarm);
    }

    /**
     * The object's bookmarks (its database opened first). A restore asked for through them takes
     * effect once the instance is reset: the database then closes after the batch and opens restored.
     */
    Bookmarks bookmarks(ObjectId id, boolean isolate) {
        open(id, isolate);
        Bookmarks history = services.history().of(services.catalog().databaseFile(id));
        return new Bookmarks() {
            @Override
            public String current() {
                return history.current();
            }

            @Override
            public String forTime(Instant time) {
                return history.forTime(time);
            }

            @Override
            public String restoreOnNextStart(String bookmark) {
                String undo = history.restoreOnNextStart(bookmark);
                nextStart = NextStart.RESTORED;
                return undo;
            }
        };
    }

    /** Whether a restore waits for the instance's reset. */
    boolean restorePending() {
        return nextStart == NextStart.RESTORED;
    }

    /** After a batch: a pending restore takes effect once the instance has been reset (the next event opens the restored file). */
    void batchDone(ObjectId id, boolean instanceReset) {
        if (nextStart == NextStart.RESTORED && instanceReset) {
            nextStart = NextStart.SAME_DATABASE;
            close(id);
        }
    }

    void close(ObjectId id) {
        if (database != null) {
            ObjectDatabase closing = database;
            database = null;
            closing.releaseWalIndex();
            services.disk().run(closing::close);
            services.inventory().closed(id);
        }
    }

    /**
     * After a deletion committed: closes the database and removes its files, then its inventory row
     * (a cluster's replicated files stay, emptied). A crash before this leaves the emptied file, which
     * is the deleted object all the same. A failure here is logged; the deletion stands.
     */
    void removeDeleted(ObjectId id) {
        close(id);
        if (services.durability().keepsFiles()) {
            return;
        }
        Path file = services.catalog().databaseFile(id);
        try {
            services.disk().run(() -> {
                Deletion.removeDatabaseFiles(file);
                services.history().remove(file);
            });
            services.inventory().removed(id).join();
        } catch (RuntimeException e) {
            LOG.errorf(e, "object %s/%s was deleted (emptied) but its file %s could not be removed", id.namespace(), id, file);
        }
    }
}
