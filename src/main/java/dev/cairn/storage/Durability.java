package dev.cairn.storage;

/** When a call's reply may be sent relative to its writes reaching the disk ({@code cairn.storage.durability}). */
public enum Durability {
    /** After the commit is fsynced: an acknowledged write survives power loss. The default. */
    FULL,
    /**
     * After the commit is written to the operating system, before it is fsynced: an acknowledged
     * write survives the process being killed, but on power loss or a kernel crash an object may lose
     * what it committed since its last WAL checkpoint (SQLite fsyncs at checkpoints and on close).
     * The database itself stays consistent either way (SQLite's WAL guarantees it).
     */
    RELAXED
}
