package dev.cairn.storage.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.ObjectException;
import dev.cairn.api.SqlCursor;
import dev.cairn.api.SqlRow;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.StorageException;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cursors stream their rows from SQLite as the object reads them, within the event that ran the exec. */
class SqlCursorTest {
    /** Rows of the big table; each holds 200 hex characters. */
    static final int ROWS = 200_000;

    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("scratch", Scratch.class).freshPerTest()
            .property("cairn.storage.durability", "relaxed").build();
    Stub<Scratch> object;

    @BeforeEach
    void start() {
        object = cairn.get(Scratch.class, "cursors");
    }

    private <R> R sql(Function<SqlStorage, R> body) {
        return cairn.runIn(object, (s, ctx) -> body.apply(ctx.storage().sql()));
    }

    @Test
    void anEndlessResultIsReadAsFarAsTheObjectWants() {
        long read = sql(s -> {
            var cursor = s.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n");
            long last = 0;
            for (SqlRow row : cursor) {
                last = row.getLong("i");
                if (last == ROWS) {
                    break;
                }
            }
            assertEquals(ROWS, cursor.rowsRead());
            return last;
        });
        assertEquals(ROWS, read, "a cursor that read every row at exec would never have returned");
    }

    @Test
    void aTableOf200000RowsIsReadOneByOneInBoundedMemory() {
        sql(s -> s.exec("""
                CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                INSERT INTO big SELECT i, hex(randomblob(100)) FROM n""", ROWS).rowsWritten());
        long[] seen = sql(s -> {
            long before = usedHeapAfterGc();
            long count = 0;
            long sum = 0;
            long grown = 0;
            for (SqlRow row : s.exec("SELECT id, payload FROM big ORDER BY id")) {
                count++;
                sum += row.getLong("id");
                assertEquals(200, row.getString("payload").length());
                if (count == ROWS / 2) {
                    grown = usedHeapAfterGc() - before;
                }
            }
            return new long[] {count, sum, grown};
        });
        assertEquals(ROWS, seen[0]);
        assertEquals((long) ROWS * (ROWS + 1) / 2, seen[1]);
        // The first 100,000 rows take some 40 MB as Java objects; a cursor keeps none of them.
        assertTrue(seen[2] < 16 << 20, "the heap grew by " + (seen[2] >> 20) + " MB while half the rows were read");
    }

    private static long usedHeapAfterGc() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void writesAreMadeByExecWhetherTheRowsAreReadOrNot() {
        sql(s -> s.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"));
        sql(s -> s.exec("INSERT INTO t (v) VALUES ('a'), ('b') RETURNING id")); // rows never read
        assertEquals(Long.valueOf(2), (Object) sql(s -> s.exec("SELECT count(*) AS n FROM t").one().getLong("n")));
        assertEquals(List.of(0L, 2L, 2L), sql(s -> {
            var cursor = s.exec("UPDATE t SET v = upper(v) RETURNING v");
            long before = cursor.rowsWritten();
            long rows = cursor.toList().size();
            return List.of(before, rows, cursor.rowsWritten());
        }), "SQLite counts the writes of a statement with RETURNING once its rows are read");
    }

    @Test
    void otherStatementsRunWhileACursorIsReadEvenTheSameTextAgain() {
        sql(s -> s.exec("""
                CREATE TABLE node (id INTEGER PRIMARY KEY, parent INTEGER, visited INTEGER NOT NULL DEFAULT 0);
                INSERT INTO node (id, parent) VALUES (1, NULL), (2, 1), (3, 1), (4, 2), (5, 2), (6, 3)"""));
        List<Long> walk = sql(s -> {
            List<Long> order = new ArrayList<>();
            visit(s, 1, order);
            return order;
        });
        assertEquals(List.of(1L, 2L, 4L, 5L, 3L, 6L), walk, "a depth-first walk runs the children query inside its own loop");
        assertEquals(Long.valueOf(6), (Object) sql(s -> s.exec("SELECT count(*) AS n FROM node WHERE visited = 1").one().getLong("n")));
    }

    private static void visit(SqlStorage s, long id, List<Long> order) {
        order.add(id);
        s.exec("UPDATE node SET visited = 1 WHERE id = ?", id);
        for (SqlRow child : s.exec("SELECT id FROM node WHERE parent = ? ORDER BY id", id)) {
            visit(s, child.getLong("id"), order);
        }
    }

    @Test
    void aCursorIsReadOnce() {
        var e = assertThrows(ObjectException.class, () -> sql(s -> {
            var cursor = s.exec("SELECT 1 AS one UNION ALL SELECT 2");
            assertEquals(2, cursor.toList().size());
            return cursor.toList();
        }));
        assertEquals("this cursor was already read by toList(): a cursor is read once; keep the list toList() returns to use"
                + " the rows again", e.getMessage());
        var more = assertThrows(ObjectException.class, () -> sql(s -> s.exec("SELECT 1 AS one UNION ALL SELECT 2").one()));
        assertEquals("expected exactly one row, got more than one", more.getMessage());
    }

    @Test
    void aCursorReadAfterItsEventEndedSaysSo() {
        AtomicReference<SqlCursor> kept = new AtomicReference<>();
        sql(s -> {
            kept.set(s.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n"));
            return kept.get().iterator().next();
        });
        var later = assertThrows(ObjectException.class, () -> sql(s -> kept.get().toList()));
        assertEquals("this cursor is closed: the event (call) that ran its exec has ended; read a cursor within the event"
                + " that ran it (the list toList() returns can be kept)", later.getMessage());
        var elsewhere = assertThrows(StorageException.class, () -> kept.get().toList());
        assertEquals("a cursor used outside its object's thread; read it while the event that ran its exec runs", elsewhere.getMessage());
        assertEquals(1, kept.get().rowsRead(), "what it read stays counted");
    }

    @Test
    void deleteAllClosesTheCursorsItsEventIsReading() {
        sql(s -> s.exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2)"));
        var e = assertThrows(ObjectException.class, () -> cairn.runIn(object, (x, ctx) -> {
            var rows = ctx.storage().sql().exec("SELECT v FROM t").iterator();
            rows.next();
            ctx.storage().deleteAll();
            return rows.next();
        }));
        assertEquals("this cursor is closed: deleteAll() dropped every table while it was being read", e.getMessage());
    }
}
