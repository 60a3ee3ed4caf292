package dev.cairn.storage.sql;

import dev.cairn.api.StorageException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The pragmas an object's SQL may run: Cloudflare's list, each with what it may do here. Pragmas
 * that change durability or the file ({@code journal_mode}, {@code synchronous}, {@code page_size},
 * …) are Cairn's and refused. Immutable.
 */
public enum SqlPragma {
    // Read-only: the schema and checks of the database.
    TABLE_INFO(Kind.READ_ONLY), TABLE_XINFO(Kind.READ_ONLY), TABLE_LIST(Kind.READ_ONLY), INDEX_LIST(Kind.READ_ONLY),
    INDEX_INFO(Kind.READ_ONLY), INDEX_XINFO(Kind.READ_ONLY), FOREIGN_KEY_LIST(Kind.READ_ONLY),
    FOREIGN_KEY_CHECK(Kind.READ_ONLY), QUICK_CHECK(Kind.READ_ONLY), INTEGRITY_CHECK(Kind.READ_ONLY),
    FUNCTION_LIST(Kind.READ_ONLY), COLLATION_LIST(Kind.READ_ONLY),
    /** Gathers statistics for the query planner ({@code ANALYZE} where it is due): part of the call's transaction. */
    OPTIMIZE(Kind.READ_ONLY),
    /** Always on; it can be read and set on, not off (see {@link #check}). */
    FOREIGN_KEYS(Kind.ALWAYS_ON),
    // Settings of the call that sets them: Cairn sets each back to SQLite's default when the call ends.
    DEFER_FOREIGN_KEYS(Kind.CALL_SETTING), LEGACY_ALTER_TABLE(Kind.CALL_SETTING), RECURSIVE_TRIGGERS(Kind.CALL_SETTING),
    REVERSE_UNORDERED_SELECTS(Kind.CALL_SETTING);

    /** What a pragma may do in an object's database. */
    enum Kind {
        /** Reads the schema or checks the data; any form. */
        READ_ONLY,
        /** A setting that stays on: reading it and setting it on are allowed, setting it off is refused. */
        ALWAYS_ON,
        /** A setting that lasts until the end of the call (event) that set it. */
        CALL_SETTING
    }

    private static final Map<String, SqlPragma> BY_NAME =
            Stream.of(values()).collect(Collectors.toUnmodifiableMap(SqlPragma::sqlName, Function.identity()));
    private static final Set<String> FALSE = Set.of("OFF", "FALSE", "NO", "0");
    private static final Set<String> TRUE = Set.of("ON", "TRUE", "YES", "1");

    private final Kind kind;

    SqlPragma(Kind kind) {
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }

    /** The pragma's name as SQL writes it ({@code foreign_keys}). */
    String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The statement that sets this call setting back to SQLite's default (all of them are off by default). */
    public String resetStatement() {
        return "PRAGMA " + sqlName() + " = OFF";
    }

    /**
     * Checks one {@code PRAGMA} statement, given as its upper-cased words (after {@code PRAGMA}: an
     * optional {@code schema .}, the name, then {@code =} or {@code (} and the value), and returns the
     * pragma with whether the statement sets it.
     *
     * @throws StorageException naming the pragma and what is allowed instead
     */
    static Use check(List<String> words) {
        int at = words.size() > 3 && words.get(2).equals(".") ? 3 : 1;
        String name = words.size() > at ? words.get(at).toLowerCase(Locale.ROOT) : "";
        SqlPragma pragma = BY_NAME.get(name);
        if (pragma == null) {
            throw new StorageException("PRAGMA " + name + " is not allowed; allowed: "
                    + String.join(", ", new TreeSet<>(BY_NAME.keySet()))
                    + ". Pragmas that change durability or the file (journal_mode, synchronous, page_size, …) are Cairn's");
        }
        boolean sets = words.size() > at + 1;
        String value = words.size() > at + 2 ? words.get(at + 2) : "";
        if (pragma.kind == Kind.ALWAYS_ON && sets && !TRUE.contains(value)) {
            throw new StorageException(FALSE.contains(value)
                    ? "PRAGMA " + name + " = " + value + " is not allowed: foreign keys are always enforced, as on Cloudflare"
                            + " (every call runs in a transaction, where SQLite cannot switch them off). To break them"
                            + " within a call and have them checked when it returns, use PRAGMA defer_foreign_keys = ON"
                    : "PRAGMA " + name + " takes ON (1, TRUE, YES), unquoted; it is always on");
        }
        if (pragma.kind == Kind.CALL_SETTING && sets && !TRUE.contains(value) && !FALSE.contains(value)) {
            throw new StorageException("PRAGMA " + name + " takes ON or OFF (1, TRUE, YES or 0, FALSE, NO), unquoted");
        }
        return new Use(pragma, sets);
    }

    /** A checked pragma statement: which pragma, and whether it sets it. */
    record Use(SqlPragma pragma, boolean sets) {}
}
