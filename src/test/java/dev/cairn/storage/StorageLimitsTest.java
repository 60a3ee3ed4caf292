package dev.cairn.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.ObjectException;
import dev.cairn.api.Storage;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every storage limit fails the write with an error naming the limit, its key and its value. */
class StorageLimitsTest {
    /** Small enough to fill quickly; large enough for the constructor's table. */
    static final long OBJECT_LIMIT = 256 * 1024;

    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("scratch", Scratch.class).freshPerTest()
            .property("cairn.storage.max-bytes-per-object", String.valueOf(OBJECT_LIMIT)).build();
    Stub<Scratch> object;

    @BeforeEach
    void start() {
        object = cairn.get(Scratch.class, "limits");
    }

    private <R> R storage(Function<Storage, R> body) {
        return cairn.runIn(object, (s, ctx) -> body.apply(ctx.storage()));
    }

    private String failure(Function<Storage, Object> body) {
        return assertThrows(ObjectException.class, () -> storage(body)).getMessage();
    }

    @Test
    void columnsPerTable() {
        String columns = IntStream.rangeClosed(1, 101).mapToObj(i -> "c" + i).collect(Collectors.joining(", "));
        String message = failure(s -> s.sql().exec("CREATE TABLE wide (" + columns + ")"));
        assertTrue(message.startsWith("too many columns: at most 100 per table, index or result (cairn.storage.sql-max-columns)"),
                message);
        storage(s -> s.sql().exec("CREATE TABLE ok (" + columns.substring(0, columns.lastIndexOf(',')) + ")"));
    }

    @Test
    void boundParameters() {
        String marks = String.join(", ", java.util.Collections.nCopies(101, "?"));
        Object[] values = new Object[101];
        java.util.Arrays.fill(values, 1L);
        assertEquals("101 bound parameters given; at most 100 per statement (cairn.storage.sql-max-parameters)",
                failure(s -> s.sql().exec("SELECT " + marks, values)));
        assertEquals("too many bound parameters: at most 100 per statement (cairn.storage.sql-max-parameters)",
                failure(s -> s.sql().exec("SELECT ?101")));
    }

    @Test
    void argumentsOfAFunctionCall() {
        String args = String.join(", ", java.util.Collections.nCopies(33, "1"));
        assertEquals("too many arguments in a call of an SQL function: at most 32 (cairn.storage.sql-max-function-args);"
                + " SQLite said: too many arguments on function max", failure(s -> s.sql().exec("SELECT max(" + args + ")")));
        assertEquals(Long.valueOf(1), (Object) storage(s -> s.sql().exec("SELECT max(" + args.substring(3) + ") AS m").one().getLong("m")),
                "32 arguments are allowed");
    }

    @Test
    void statementLength() {
        String longSql = "SELECT '" + "x".repeat(100_000) + "'";
        assertEquals("SQL text too long: 100009 bytes; the limit is 100000 bytes (cairn.storage.sql-max-statement-bytes)",
                failure(s -> s.sql().exec(longSql)));
    }

    @Test
    void valueAndRowSize() {
        storage(s -> s.sql().exec("CREATE TABLE blobs (b BLOB)"));
        assertEquals("parameter 1 is 2000001 bytes; the limit is 2000000 bytes per value (cairn.storage.sql-max-value-bytes)",
                failure(s -> s.sql().exec("INSERT INTO blobs VALUES (?)", new byte[2_000_001])));
        assertEquals("value or row too large: the limit is 2000000 bytes per string, blob or row (cairn.storage.sql-max-value-bytes)",
                failure(s -> s.sql().exec("SELECT zeroblob(2000001)")));
        assertEquals((Object) 2_000_000L, storage(s -> s.sql().exec("SELECT length(zeroblob(2000000)) AS n").one().getLong("n")));
    }

    @Test
    void likePatternLength() {
        String pattern = "%" + "a".repeat(50);
        assertEquals("LIKE or GLOB pattern too long: at most 50 bytes (cairn.storage.sql-max-like-pattern-bytes)",
                failure(s -> s.sql().exec("SELECT 'abc' LIKE ?", pattern)));
        assertEquals((Object) 0L, storage(s -> s.sql().exec("SELECT 'abc' LIKE ? AS m", pattern.substring(1)).one().getLong("m")));
    }

    @Test
    void keyAndEntrySize() {
        assertEquals("key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk…' is 2049 UTF-8 bytes; the limit is 2048 bytes"
                + " (cairn.storage.kv-max-key-bytes)", failure(s -> s.get("k".repeat(2049))));
        assertEquals("entry 'big' is 2000003 bytes (key plus encoded value); the limit is 2000000 bytes"
                + " (cairn.storage.kv-max-entry-bytes)", failure(s -> { s.put("big", new byte[2_000_000]); return null; }));
        assertEquals("key '\u00e9\u00e9\u00e9…' is 2050 UTF-8 bytes; the limit is 2048 bytes (cairn.storage.kv-max-key-bytes)"
                .replace("\u00e9\u00e9\u00e9…", "\u00e9".repeat(40) + "…"), failure(s -> s.get("\u00e9".repeat(1025))));
    }

    @Test
    void storagePerObjectFailsTheWriteAndKeepsWhatWasThere() {
        storage(s -> s.sql().exec("CREATE TABLE fill (b BLOB)"));
        int stored = 0;
        String message = null;
        while (message == null && stored < 100) {
            try {
                storage(s -> s.sql().exec("INSERT INTO fill VALUES (randomblob(20000))"));
                stored++;
            } catch (ObjectException e) {
                message = e.getMessage();
            }
        }
        assertTrue(stored > 5, "rows fit before the limit: " + stored);
        assertTrue(message != null && message.startsWith("storage limit exceeded: the write would grow the object's database to ")
                && message.contains("the limit is 262144 bytes per object (cairn.storage.max-bytes-per-object)."
                        + " The write was rolled back; the data stored before it is intact"), message);
        int kept = stored;
        assertEquals((Object) (long) kept, storage(s -> s.sql().exec("SELECT count(*) AS n FROM fill").one().getLong("n")));
        assertTrue(storage(s -> s.sql().databaseSize()) <= OBJECT_LIMIT);
        assertTrue(failure(s -> { s.put("more", new byte[30_000]); return null; }).startsWith("storage limit exceeded"),
                "key-value writes count against the same limit");
        String caughtButFailed = failure(s -> {
            try {
                s.sql().exec("INSERT INTO fill VALUES (randomblob(20000))");
                return "no error";
            } catch (RuntimeException e) {
                return "caught";
            }
        });
        assertTrue(caughtButFailed.startsWith("storage limit exceeded"),
                "a call that catches the error still fails, and its oversized write is rolled back: " + caughtButFailed);
        assertEquals((Object) (long) kept, storage(s -> s.sql().exec("SELECT count(*) AS n FROM fill").one().getLong("n")));
        storage(s -> s.sql().exec("DELETE FROM fill WHERE rowid % 2 = 0"));
        storage(s -> s.sql().exec("INSERT INTO fill VALUES (randomblob(20000))"));
        assertEquals((Object) (long) (kept - kept / 2 + 1), storage(s -> s.sql().exec("SELECT count(*) AS n FROM fill").one().getLong("n")),
                "deleting frees room for new writes");
    }

    @Test
    void aCallOverTheLimitFailsAloneInItsGroupCommit() throws Exception {
        storage(s -> s.sql().exec("CREATE TABLE small (k INTEGER)"));
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = object.send(s -> s.hold(started, release));
        started.await();
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int k = i;
            calls.add(object.send(s -> {
                var sql = s.ctx.storage().sql();
                sql.exec("INSERT INTO small VALUES (?)", k);
                if (k == 4) {
                    sql.exec("CREATE TABLE huge (b BLOB); INSERT INTO huge VALUES (randomblob(400000))");
                }
                return (Object) k;
            }).toCompletableFuture());
        }
        release.countDown();
        held.toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 10; i++) {
            if (i == 4) {
                var e = assertThrows(java.util.concurrent.CompletionException.class, calls.get(i)::join);
                assertTrue(e.getCause().getMessage().startsWith("storage limit exceeded"), e.getCause().getMessage());
            } else {
                assertEquals(i, calls.get(i).join());
            }
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 5L, 6L, 7L, 8L, 9L), storage(s -> s.sql().exec("SELECT k FROM small ORDER BY k")
                .toList().stream().map(r -> r.getLong("k")).toList()));
    }
}
