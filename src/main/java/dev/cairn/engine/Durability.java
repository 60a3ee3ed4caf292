package dev.cairn.engine;

/** When a call's reply may be sent relative to its writes reaching the disk ({@code cairn.storage.durability}). */
public enum Durability {
    /** After the commit is fsynced: an acknowledged write survives power loss. The default. */
    FULL,
    /**
     * After the commit is written to the operating system, before it is fsynced: an acknowledged
     * write survives the process being killed, but the last moments may be lost on power loss or a
     * kernel crash. The database itself stays consistent either way (SQLite's WAL guarantees it).
     */
    RELAXED
}
