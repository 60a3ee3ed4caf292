package dev.cairn.api;

import java.util.List;

/**
 * The result of {@link SqlStorage#exec}: the rows of its last statement, read from SQLite one at a
 * time as they are asked for, so a result of any size takes the memory of one row.
 *
 * <p>A cursor is read once, by one of {@link #toList()}, {@link #raw()}, {@link #one()} or one
 * iteration, on the object's thread and within the event (call, alarm, socket event) that ran the
 * exec; other execs may run while it is read. Reading it again, after its event, or after
 * {@code deleteAll()} throws {@link StorageException} saying so; keep the list {@code toList()}
 * returns to use rows later. Writes (also those of {@code INSERT … RETURNING}) are made when
 * {@code exec} returns, whether the rows are read or not.
 */
public interface SqlCursor extends Iterable<SqlRow> {

    /** Column names of the result, in order (empty for statements that return no rows). */
    List<String> columnNames();

    /** The rows not read yet (all of them, since a cursor is read once). */
    List<SqlRow> toList();

    /**
     * The only row.
     *
     * @throws StorageException unless there is exactly one row
     */
    SqlRow one();

    /** The rows not read yet as value lists in column order. */
    List<List<Object>> raw();

    /** Rows returned to the object so far; grows as the cursor is read. */
    long rowsRead();

    /**
     * Rows inserted, updated or deleted by the statements of the exec so far: SQLite counts the writes
     * of the last statement when it ends, so those of an {@code INSERT … RETURNING} count once its rows
     * are read (as on Cloudflare, the figure may grow as the cursor is read).
     */
    long rowsWritten();
}
