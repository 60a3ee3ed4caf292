package dev.cairn.replication;

/** What a group's change of leadership means for the objects of this node. Thread-safe. */
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
}
