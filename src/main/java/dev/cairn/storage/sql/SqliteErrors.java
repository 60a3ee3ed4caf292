package dev.cairn.storage.sql;

import dev.cairn.api.StorageException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Turns SQLite's errors into {@link StorageException}s; a limit that SQLite enforces is named with
 * its configuration key and allowed value, since SQLite's own text gives neither. Immutable.
 */
public final class SqliteErrors {
    private final SqlLimits limits;

    public SqliteErrors(SqlLimits limits) {
        this.limits = limits;
    }

    public StorageException translate(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        SQLiteErrorCode code = e instanceof SQLiteException s ? s.getResultCode() : null;
        Optional<DiskFault> fault = diskFault(e);
        if (fault.isPresent()) {
            return diskFailed(fault.get(), "the write was rolled back, the data stored before it is intact", e);
        }
        if (code == SQLiteErrorCode.SQLITE_TOOBIG || lower.contains("string or blob too big")) {
            return StorageException.limit("cairn.storage.sql-max-value-bytes", "value or row too large: the limit is "
                    + limits.maxValueBytes() + " bytes per string, blob or row (cairn.storage.sql-max-value-bytes)", e);
        }
        if (lower.contains("too many columns")) {
            return StorageException.limit("cairn.storage.sql-max-columns", "too many columns: at most " + limits.maxColumns()
                    + " per table, index or result (cairn.storage.sql-max-columns); SQLite said: " + strip(message), e);
        }
        if (lower.contains("too many sql variables") || lower.contains("variable number must be between")) {
            return StorageException.limit("cairn.storage.sql-max-parameters", "too many bound parameters: at most "
                    + limits.maxParameters() + " per statement (cairn.storage.sql-max-parameters)", e);
        }
        if (lower.contains("like or glob pattern too complex")) {
            return StorageException.limit("cairn.storage.sql-max-like-pattern-bytes", "LIKE or GLOB pattern too long: at most "
                    + limits.maxLikePatternBytes() + " bytes (cairn.storage.sql-max-like-pattern-bytes)", e);
        }
        if (lower.contains("too many arguments on function")) {
            return StorageException.limit("cairn.storage.sql-max-function-args", "too many arguments in a call of an SQL function:"
                    + " at most " + limits.maxFunctionArgs() + " (cairn.storage.sql-max-function-args); SQLite said: " + strip(message), e);
        }
        if (lower.contains("statement too long")) {
            return statementTooLong(-1);
        }
        return new StorageException(strip(message), e);
    }

    /** How the disk failed a write: not the call's fault, and retryable (503). */
    public enum DiskFault { FULL, IO_ERROR }

    /**
     * How the disk failed, when {@code failure} (or what caused it) is the disk's: no room left, or an
     * I/O error. SQLite says SQLITE_FULL for a database at its page cap too, but Cairn's cap is a backstop
     * well above the storage limit, which is checked after every write, so a full database means a full disk.
     */
    public static Optional<DiskFault> diskFault(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_FULL
                    || message.contains("database or disk is full") || message.contains("no space left on device")) {
                return Optional.of(DiskFault.FULL);
            }
            if (t instanceof SQLiteException s && (s.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_IOERR.code) {
                return Optional.of(DiskFault.IO_ERROR);
            }
        }
        return Optional.empty();
    }

    /** The disk failed a write ({@code fault}); {@code outcome} says what became of the write. Retryable. */
    public static StorageException diskFailed(DiskFault fault, String outcome, Throwable cause) {
        String what = switch (fault) {
            case FULL -> "no room to write: the file system of this node's data directory is full (SQLite: database or disk is full); ";
            case IO_ERROR -> "this node's data directory failed with an I/O error (" + cause.getMessage() + "); ";
        };
        return new StorageException(what + outcome + "; retry once the node's disk works again", cause, true);
    }

    public StorageException storageLimitExceeded(long size, Throwable cause) {
        return StorageException.limit("cairn.storage.max-bytes-per-object", "storage limit exceeded: "
                + (size >= 0 ? "the write would grow the object's database to " + size + " bytes; " : "")
                + "the limit is " + limits.maxBytesPerObject() + " bytes per object (cairn.storage.max-bytes-per-object)."
                + " The write was rolled back; the data stored before it is intact", cause);
    }

    public StorageException statementTooLong(long bytes) {
        return StorageException.limit("cairn.storage.sql-max-statement-bytes", "SQL text too long: "
                + (bytes >= 0 ? bytes + " bytes; " : "") + "the limit is " + limits.maxStatementBytes()
                + " bytes (cairn.storage.sql-max-statement-bytes)", null);
    }

    /** sqlite-jdbc prefixes "[SQLITE_ERROR] SQL error or missing database (...)"; keep SQLite's own words. */
    private static String strip(String message) {
        int open = message.indexOf('(');
        if (message.startsWith("[") && open > 0 && message.endsWith(")")) {
            return message.substring(open + 1, message.length() - 1);
        }
        return message;
    }
}
