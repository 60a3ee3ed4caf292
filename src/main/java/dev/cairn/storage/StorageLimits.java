package dev.cairn.storage;

import dev.cairn.storage.sql.SqlLimits;

/**
 * The limits of one object's storage, each with the configuration key that sets it so errors can
 * name it. Defaults are Cloudflare's documented values.
 */
public record StorageLimits(
        long maxBytesPerObject,
        int kvMaxKeyBytes,
        int kvMaxEntryBytes,
        int sqlMaxColumns,
        int sqlMaxParameters,
        int sqlMaxStatementBytes,
        int sqlMaxValueBytes,
        int sqlMaxLikePatternBytes,
        int sqlMaxFunctionArgs) {

    public StorageLimits {
        positive("max-bytes-per-object", maxBytesPerObject);
        positive("kv-max-key-bytes", kvMaxKeyBytes);
        positive("kv-max-entry-bytes", kvMaxEntryBytes);
        positive("sql-max-columns", sqlMaxColumns);
        positive("sql-max-parameters", sqlMaxParameters);
        positive("sql-max-statement-bytes", sqlMaxStatementBytes);
        positive("sql-max-value-bytes", sqlMaxValueBytes);
        positive("sql-max-like-pattern-bytes", sqlMaxLikePatternBytes);
        positive("sql-max-function-args", sqlMaxFunctionArgs);
        if (kvMaxKeyBytes >= kvMaxEntryBytes) {
            throw new IllegalArgumentException("cairn.storage.kv-max-key-bytes (" + kvMaxKeyBytes
                    + ") must be smaller than cairn.storage.kv-max-entry-bytes (" + kvMaxEntryBytes + ")");
        }
    }

    /** The limits the SQL errors name. */
    public SqlLimits sqlLimits() {
        return new SqlLimits(maxBytesPerObject, sqlMaxValueBytes, sqlMaxColumns, sqlMaxParameters, sqlMaxLikePatternBytes,
                sqlMaxFunctionArgs, sqlMaxStatementBytes);
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("cairn.storage." + key + " must be positive, got " + value);
        }
    }
}
