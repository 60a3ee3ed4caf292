package dev.cairn.storage.sql;

import dev.cairn.api.SqlCursor;
import dev.cairn.api.SqlRow;
import dev.cairn.api.StorageException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Owned by the object's thread: the cursor of one exec, stepping its last statement one row at a time
 * as the object reads, so a result of any size holds the memory of one row. It is read once (by
 * {@code toList}, {@code raw}, {@code one} or one iteration) and within the event that ran the exec:
 * at the event's end its statement is reset (SQLite ends the read there), and a later read throws
 * saying why instead of returning rows from a transaction that is over.
 */
public final class StatementCursor implements SqlCursor {
    /** Why a cursor can no longer be read. */
    public enum Closed {
        EVENT_ENDED("the event (call) that ran its exec has ended; read a cursor within the event that ran it"
                + " (the list toList() returns can be kept)"),
        DELETE_ALL("deleteAll() dropped every table while it was being read");

        private final String why;

        Closed(String why) {
            this.why = why;
        }
    }

    /** The statement a cursor reads, given back once the cursor is done with it. */
    public interface Source {
        /** The rows are all read or the cursor was closed: the statement may run again. */
        void done(StatementCursor cursor);

        /** The number of the event now running, to tell a cursor of an earlier one. */
        long event();

        /** SQLite's count of rows written on the connection so far. */
        long totalChanges();

        SqliteErrors errors();
    }

    private final Source source;
    private final long event;
    private final Thread owner;
    private final List<String> columns;
    /** The writes of the statements before the last; the last one's are added once it is done (SQLite counts them then). */
    private long rowsWritten;
    /** Null once every row was read, or the cursor closed, or for a statement without rows. */
    private ResultSet rows;
    /** What read the rows ({@code toList()}, …); null while unread. */
    private String readBy;
    private Closed closed;
    private long rowsRead;

    public StatementCursor(Source source, List<String> columns, ResultSet rows, long rowsWritten) {
        this.source = source;
        this.event = source.event();
        this.owner = Thread.currentThread();
        this.columns = columns;
        this.rows = rows;
        this.rowsWritten = rowsWritten;
    }

    @Override
    public List<String> columnNames() {
        return columns;
    }

    @Override
    public long rowsRead() {
        return rowsRead;
    }

    @Override
    public long rowsWritten() {
        return rowsWritten;
    }

    @Override
    public List<SqlRow> toList() {
        start("toList()");
        List<SqlRow> all = new ArrayList<>();
        for (SqlRow row = step(); row != null; row = step()) {
            all.add(row);
        }
        return all;
    }

    @Override
    public List<List<Object>> raw() {
        start("raw()");
        List<List<Object>> all = new ArrayList<>();
        for (SqlRow row = step(); row != null; row = step()) {
            all.add(row.values());
        }
        return all;
    }

    @Override
    public SqlRow one() {
        start("one()");
        SqlRow first = step();
        if (first == null) {
            throw new StorageException("expected exactly one row, got 0");
        }
        if (step() != null) {
            finish();
            throw new StorageException("expected exactly one row, got more than one");
        }
        return first;
    }

    @Override
    public Iterator<SqlRow> iterator() {
        start("its iterator");
        return new Iterator<>() {
            private SqlRow next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (next == null && !ended) {
                    next = step();
                    ended = next == null;
                }
                return next != null;
            }

            @Override
            public SqlRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the cursor has no more rows");
                }
                SqlRow row = next;
                next = null;
                return row;
            }
        };
    }

    /** Closes the cursor before its rows are all read; a read from now on throws, saying {@code why}. */
    public void close(Closed why) {
        if (closed == null) {
            closed = why;
        }
        finish();
    }

    private void start(String reader) {
        usable();
        if (readBy != null) {
            throw new StorageException("this cursor was already read by " + readBy + ": a cursor is read once;"
                    + " keep the list toList() returns to use the rows again");
        }
        readBy = reader;
    }

    private void usable() {
        if (Thread.currentThread() != owner) {
            throw new StorageException("a cursor used outside its object's thread; read it while the event that ran its exec runs");
        }
        if (closed == null && event != source.event()) {
            close(Closed.EVENT_ENDED);
        }
        if (closed != null) {
            throw new StorageException("this cursor is closed: " + closed.why);
        }
    }

    /** The next row, or null after the last one. */
    private SqlRow step() {
        usable();
        if (rows == null) {
            return null;
        }
        try {
            long changes = source.totalChanges();
            if (!rows.next()) {
                rowsWritten += source.totalChanges() - changes; // SQLite counts a statement's writes at its last step
                finish();
                return null;
            }
            Object[] values = new Object[columns.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = normalize(rows.getObject(c + 1));
            }
            rowsRead++;
            return new SqlRow(columns, values);
        } catch (SQLException e) {
            finish();
            throw source.errors().translate(e);
        }
    }

    private void finish() {
        if (rows == null) {
            return;
        }
        long before = source.totalChanges();
        try {
            rows.close(); // resets the statement: SQLite's read ends here (and counts its writes, if it ended early)
        } catch (SQLException ignored) {
            // A reset reports the statement's last error, already thrown to the reader.
        }
        rowsWritten += source.totalChanges() - before;
        rows = null;
        source.done(this);
    }

    private static Object normalize(Object v) {
        return switch (v) {
            case Integer i -> (long) i;
            case Float f -> (double) f;
            case null, default -> v;
        };
    }

    @Override
    public String toString() {
        return "SqlCursor" + columns + (readBy == null ? " (unread)" : " (read by " + readBy + ")");
    }
}
