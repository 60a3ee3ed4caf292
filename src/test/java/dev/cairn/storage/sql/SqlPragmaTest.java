package dev.cairn.storage.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.ObjectException;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.StorageException;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cloudflare's pragmas in an object's SQL, and foreign keys: enforced, deferrable within a call. */
class SqlPragmaTest {
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("scratch", Scratch.class).freshPerTest().build();
    Stub<Scratch> object;

    @BeforeEach
    void start() {
        object = cairn.get(Scratch.class, "pragmas");
        sql(s -> s.exec("""
                CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT);
                CREATE TABLE book (id INTEGER PRIMARY KEY, author INTEGER NOT NULL REFERENCES author (id), title TEXT);
                CREATE INDEX book_author ON book (author)"""));
    }

    private <R> R sql(Function<SqlStorage, R> body) {
        return cairn.runIn(object, (s, ctx) -> body.apply(ctx.storage().sql()));
    }

    private long count(String table) {
        return sql(s -> s.exec("SELECT count(*) AS n FROM " + table).one().getLong("n"));
    }

    @Test
    void cloudflaresSchemaAndCheckPragmasAnswer() {
        assertEquals(List.of("id", "author", "title"), sql(s -> s.exec("PRAGMA table_info(book)").toList().stream()
                .map(r -> r.getString("name")).toList()));
        assertTrue((Boolean) sql(s -> s.exec("PRAGMA table_list").toList().stream().anyMatch(r -> "book".equals(r.getString("name")))));
        assertEquals("book_author", sql(s -> s.exec("PRAGMA index_list(book)").one().getString("name")));
        assertEquals("author", sql(s -> s.exec("PRAGMA foreign_key_list(book)").one().getString("table")));
        assertEquals("ok", sql(s -> s.exec("PRAGMA quick_check").one().get(0)));
        assertEquals("ok", sql(s -> s.exec("PRAGMA main.integrity_check").one().get(0)));
        assertEquals(List.of(), sql(s -> s.exec("PRAGMA optimize").toList()), "optimize runs and answers nothing");
        assertEquals(Long.valueOf(1), (Object) sql(s -> s.exec("PRAGMA foreign_keys").one().get(0)), "foreign keys are on");
        assertEquals(Long.valueOf(0), (Object) sql(s -> s.exec("PRAGMA foreign_keys = ON; PRAGMA foreign_keys").rowsWritten()), "setting them on is allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PRAGMA journal_mode = DELETE", "pragma main.synchronous=OFF", "PRAGMA page_size = 512",
            "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA writable_schema = ON", "PRAGMA user_version = 3"})
    void pragmasThatChangeDurabilityOrTheFileAreRefusedNamingTheAllowedOnes(String statement) {
        var e = assertThrows(ObjectException.class, () -> sql(s -> s.exec(statement)));
        assertTrue(e.getMessage().matches("PRAGMA [a-z_]+ is not allowed; allowed: collation_list, defer_foreign_keys,"
                + " foreign_key_check, .*legacy_alter_table, optimize, quick_check, .*Pragmas that change durability or the file"
                + " \\(journal_mode, synchronous, page_size, …\\) are Cairn's"), e.getMessage());
    }

    @Test
    void aStatementBreakingAForeignKeyFailsAndTheCallsWritesRollBack() {
        var e = assertThrows(ObjectException.class, () -> sql(s -> {
            s.exec("INSERT INTO author VALUES (1, 'Ursula')");
            return s.exec("INSERT INTO book (author, title) VALUES (2, 'nobody wrote this')");
        }));
        assertInstanceOf(StorageException.class, e.getCause());
        assertTrue(e.getMessage().contains("FOREIGN KEY constraint failed"), e.getMessage());
        assertEquals(0, count("author"), "the call's other write was rolled back too");
        assertEquals(0, count("book"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys=0", "pragma FOREIGN_KEYS(false)"})
    void foreignKeysCannotBeSwitchedOffButDeferred(String statement) {
        var e = assertThrows(ObjectException.class, () -> sql(s -> s.exec(statement)));
        assertTrue(e.getMessage().startsWith("PRAGMA foreign_keys = "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" is not allowed: foreign keys are always enforced, as on Cloudflare (every call runs"
                + " in a transaction, where SQLite cannot switch them off). To break them within a call and have them checked"
                + " when it returns, use PRAGMA defer_foreign_keys = ON"), e.getMessage());
    }

    @Test
    void withDeferredForeignKeysACallMayBreakThemIfTheyHoldWhenItReturns() {
        sql(s -> s.exec("""
                PRAGMA defer_foreign_keys = ON;
                INSERT INTO book (author, title) VALUES (1, 'The Dispossessed');
                INSERT INTO author VALUES (1, 'Ursula')"""));
        assertEquals(1, count("book"));
        // A migration that rebuilds a parent table: children point to no row until the new table is renamed.
        sql(s -> s.exec("""
                PRAGMA defer_foreign_keys = ON;
                PRAGMA legacy_alter_table = ON;
                CREATE TABLE author_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
                INSERT INTO author_new SELECT id, name FROM author;
                DROP TABLE author;
                ALTER TABLE author_new RENAME TO author"""));
        assertEquals("Ursula", sql(s -> s.exec("SELECT a.name FROM book b JOIN author a ON a.id = b.author").one().getString("name")));
    }

    @Test
    void aCallThatReturnsWithADeferredForeignKeyBrokenFailsAloneAndItsWritesRollBack() throws Exception {
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = object.send(s -> s.hold(started, release));
        started.await(); // the next two calls queue up and run in one batch, sharing its commit
        var breaking = object.send(s -> s.ctx.storage().sql().exec("""
                PRAGMA defer_foreign_keys = ON;
                INSERT INTO author VALUES (7, 'kept?');
                INSERT INTO book (author, title) VALUES (8, 'orphan')""").rowsWritten()).toCompletableFuture();
        var fine = object.send(s -> s.ctx.storage().sql().exec(
                "INSERT INTO author VALUES (1, 'Ursula')").rowsWritten()).toCompletableFuture();
        release.countDown();
        held.toCompletableFuture().get(10, TimeUnit.SECONDS);
        var e = assertThrows(ExecutionException.class, () -> breaking.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().startsWith("FOREIGN KEY constraint failed: the call deferred its foreign keys"
                + " (PRAGMA defer_foreign_keys = ON) and ended with row 1 of table book referring to a missing row of author;"
                + " the call's writes were rolled back"), e.getCause().getMessage());
        assertEquals(1L, fine.get(10, TimeUnit.SECONDS), "the other call of the batch committed");
        assertEquals(List.of(List.of("Ursula")), sql(s -> s.exec("SELECT name FROM author").raw()));
        assertEquals(0, count("book"));
    }

    @Test
    void pragmasSetByACallLastUntilItEnds() {
        assertEquals(List.of(1L, 1L), sql(s -> List.of(
                s.exec("PRAGMA defer_foreign_keys = ON; PRAGMA defer_foreign_keys").one().get(0),
                s.exec("PRAGMA legacy_alter_table = 1; PRAGMA legacy_alter_table").one().get(0))));
        assertEquals(List.of(0L, 0L), sql(s -> List.of(
                s.exec("PRAGMA defer_foreign_keys").one().get(0), s.exec("PRAGMA legacy_alter_table").one().get(0))),
                "the next call starts from SQLite's defaults");
        assertThrows(ObjectException.class, () -> sql(s -> s.exec("PRAGMA recursive_triggers = ON; SELECT no_such_function()")));
        assertEquals(Long.valueOf(0), (Object) sql(s -> s.exec("PRAGMA recursive_triggers").one().get(0)), "also after a call that failed");
        var e = assertThrows(ObjectException.class, () -> sql(s -> s.exec("PRAGMA legacy_alter_table = 'on'")));
        assertEquals("PRAGMA legacy_alter_table takes ON or OFF (1, TRUE, YES or 0, FALSE, NO), unquoted", e.getMessage());
    }
}
