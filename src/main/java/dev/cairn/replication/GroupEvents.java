package dev.cairn.replication;

import dev.cairn.storage.AlarmChange;

/**
 * What a group's change of leadership, and its committed entries, mean for the objects of this node
 * and for its alarm index. Thread-safe.
 */
interface GroupEvents {
    /**
     * This node no longer leads {@code group}: its objects stop running here (their sockets close,
     * queued calls are refused, open files closed, a failed commit rolled back). Idempotent; returns at
     * once, the eviction goes on.
     */
    void leadershipLost(int group);

    /** This node leads {@code group} and has applied every earlier entry: its objects may run here. */
    void serving(int group);

    /** This node learnt of a new leader of {@code group} (itself included). */
    void leaderChanged(int group);

    /**
     * A committed entry another leader shipped, applied here, changed the alarm of the object whose
     * file is {@code file} (relative to the data directory). In log order; the index has it once
     * {@link #alarmsFlushed} returns.
     */
    void alarmChanged(String file, AlarmChange change);

    /**
     * The alarm index may miss alarms of {@code group}'s objects (its files came from a snapshot, or
     * from entries that do not record alarms): the next takeover checks every object. Durable on return.
     * @throws RuntimeException when the index could not record it
     */
    void alarmsUnknown(int group);

    /**
     * {@code group} is rebuilt from its log's first entry, so its entries tell the index every alarm
     * of its objects (or say they cannot, see {@link #alarmsUnknown}). Durable on return.
     * @throws RuntimeException when the index could not record it
     */
    void alarmsFromLogStart(int group);

    /** Returns once every {@link #alarmChanged} so far is durable in the index: a snapshot is about to cover them. */
    void alarmsFlushed();
}
