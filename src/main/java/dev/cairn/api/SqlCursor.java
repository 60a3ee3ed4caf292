package dev.cairn.api;

import java.util.List;

/**
 * The result of {@link SqlStorage#exec}. Rows are read completely when the statement runs, so a
 * cursor stays valid after later statements.
 */
public interface SqlCursor extends Iterable<SqlRow> {

    /** Column names of the result, in order (empty for statements that return no rows). */
    List<String> columnNames();

    /** All rows. */
    List<SqlRow> toList();

    /**
     * The only row.
     *
     * @throws StorageException unless there is exactly one row
     */
    SqlRow one();

    /** All rows as value lists in column order. */
    List<List<Object>> raw();

    /** Rows returned to this cursor by all statements of the exec. */
    long rowsRead();

    /** Rows inserted, updated or deleted by all statements of the exec. */
    long rowsWritten();
}
