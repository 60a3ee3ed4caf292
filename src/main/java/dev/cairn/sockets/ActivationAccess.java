package dev.cairn.sockets;

import dev.cairn.api.ObjectId;
import dev.cairn.storage.ObjectDatabase;

/** What one activation's sockets view needs of its object loop. Used on the object's thread only. */
public interface ActivationAccess {
    ObjectId id();

    /** The object's database, opened on first use. */
    ObjectDatabase database();

    /** Whether the calling thread is the object's own. */
    boolean onOwnThread();

    /** Holds {@code effect} until the running event's batch commits. */
    void afterCommit(AfterCommit effect);
}
