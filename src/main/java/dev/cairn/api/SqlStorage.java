package dev.cairn.api;

/** SQL over the object's own SQLite database (the Cloudflare {@code ctx.storage.sql} API). */
public interface SqlStorage {

    /**
     * Runs one or more {@code ;}-separated statements; {@code params} bind to the last one, which
     * gives the cursor. Parameters may be {@code null}, numbers, strings, booleans (stored as 0/1)
     * and {@code byte[]}.
     *
     * <p>Refused with {@link StorageException}: {@code BEGIN}, {@code COMMIT}, {@code END},
     * {@code ROLLBACK}, {@code SAVEPOINT}, {@code RELEASE} (every call is already a transaction),
     * {@code ATTACH}, {@code DETACH}, {@code VACUUM}, pragmas other than Cloudflare's (the schema and
     * check pragmas, {@code optimize}, {@code foreign_keys}, which stays on, and {@code defer_foreign_keys},
     * {@code legacy_alter_table}, {@code recursive_triggers}, {@code reverse_unordered_selects}, which
     * last until the call ends), and any name starting with {@code _cairn_} (Cairn's own tables).
     * Foreign keys are enforced; with {@code PRAGMA defer_foreign_keys = ON} they are checked when the
     * call returns instead, and a call that leaves one broken fails with its writes rolled back.
     */
    SqlCursor exec(String query, Object... params);

    /** Bytes used by the database file (pages in use times page size). */
    long databaseSize();
}
