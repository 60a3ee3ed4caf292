package dev.cairn.storage.sql;

/**
 * The limits SQLite enforces on an object's SQL that its errors name ({@link SqliteErrors}), taken from
 * the object's storage limits ({@code StorageLimits#sqlLimits}). Immutable.
 */
public record SqlLimits(long maxBytesPerObject, int maxValueBytes, int maxColumns, int maxParameters, int maxLikePatternBytes,
        int maxFunctionArgs, int maxStatementBytes) {}
