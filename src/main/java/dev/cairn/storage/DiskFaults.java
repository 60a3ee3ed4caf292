package dev.cairn.storage;

import dev.cairn.api.StorageException;
import dev.cairn.storage.sql.SqliteErrors;
import java.util.Optional;

/**
 * Tells a failure of the node's disk (no room left, an I/O error) from any other, for the parts of a
 * node that write to SQLite outside an object's database (its inventory): such a failure is not the
 * call's, and the caller may retry once the disk works again. Stateless.
 */
public final class DiskFaults {
    private DiskFaults() {}

    /** {@code failure} as a retryable {@link StorageException} when it is the disk's; {@code outcome} says what became of the work. */
    public static Optional<StorageException> of(Throwable failure, String outcome) {
        return SqliteErrors.diskFault(failure).map(fault -> SqliteErrors.diskFailed(fault, outcome, failure));
    }
}
