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
     * {@code ATTACH}, {@code DETACH}, {@code VACUUM}, pragmas other than the read-only schema
     * pragmas, and any name starting with {@code _cairn_} (Cairn's own tables).
     */
    SqlCursor exec(String query, Object... params);

    /** Bytes used by the database file (pages in use times page size). */
    long databaseSize();
}
