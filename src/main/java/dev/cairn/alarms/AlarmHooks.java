package dev.cairn.alarms;

import dev.cairn.api.ObjectId;
import dev.cairn.storage.AlarmTable;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** What an object loop calls around a commit that changed its alarm, and to run alarm work. Thread-safe. */
public interface AlarmHooks {
    /**
     * Before an object commits a batch that changed its alarm (set, replaced or deleted): the change
     * is recorded in the index as an intent, durably, so a crash between the two commits is repaired
     * at start-up. The object commits only after this completes.
     */
    CompletableFuture<Void> beforeCommit(ObjectId id, OptionalLong scheduled);

    /** The object committed (and made durable) its new alarm. */
    void afterCommit(ObjectId id, OptionalLong scheduled);

    /** The object's commit failed after the intent was recorded. */
    void commitFailed(ObjectId id);

    /** Runs {@code work} on the object's thread, as one of its events. */
    Object handle(AlarmWork work, Object instance, AlarmTable alarm) throws Exception;
}
