package dev.cairn.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.ObjectException;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SQL API inside an object, on a real SQLite file. */
class SqlStorageTest {
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("scratch", Scratch.class).freshPerTest().build();
    Stub<Scratch> object;

    @BeforeEach
    void start() {
        object = cairn.get(Scratch.class, "sql");
    }

    private <R> R sql(Function<SqlStorage, R> body) {
        return cairn.runIn(object, (s, ctx) -> body.apply(ctx.storage().sql()));
    }

    @Test
    void execRunsSeveralStatementsAndBindsParametersToTheLast() {
        sql(s -> {
            var cursor = s.exec("""
                    CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB);
                    INSERT INTO t (name, score) VALUES ('a', 1.5);
                    INSERT INTO t (name, score, data) VALUES (?, ?, ?) RETURNING id, name""", "b", 2, new byte[] {1, 2});
            assertEquals(List.of("id", "name"), cursor.columnNames());
            assertEquals(Map.of("id", 2L, "name", "b"), cursor.one().asMap());
            assertEquals(2, cursor.rowsWritten());
            return null;
        });
        String all = "SELECT id, name, score, data FROM t ORDER BY id";
        assertEquals(java.util.Arrays.asList(1L, "a", 1.5, null), sql(s -> s.exec(all).raw().get(0)));
        assertEquals(2.0, sql(s -> s.exec(all).toList().get(1).getDouble("score")));
        sql(s -> {
            var cursor = s.exec(all);
            int rows = 0;
            for (var row : cursor) {
                rows++;
                assertTrue(row.getLong("id") > 0);
                assertEquals(rows, cursor.rowsRead(), "rows are counted as they are read");
            }
            assertEquals(2, rows);
            assertEquals(0, cursor.rowsWritten());
            return null;
        });
        assertTrue(sql(SqlStorage::databaseSize) >= 4096, "database size is pages in use times page size");
    }

    @Test
    void oneInsistsOnExactlyOneRow() {
        var e = assertThrows(ObjectException.class, () -> sql(s -> s.exec("SELECT 1 WHERE 0").one()));
        assertEquals("expected exactly one row, got 0", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "begin transaction", "COMMIT", "END", "ROLLBACK", "SAVEPOINT x", "RELEASE x",
            "  /* hi */ commit", "SELECT 1; ROLLBACK"})
    void transactionControlIsRefused(String statement) {
        var e = assertThrows(ObjectException.class, () -> sql(s -> s.exec(statement)));
        assertTrue(e.getMessage().contains("is not allowed: every call already runs in one transaction"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ATTACH DATABASE 'x.db' AS x", "DETACH x", "VACUUM"})
    void attachAndVacuumAreRefused(String statement) {
        var e = assertThrows(ObjectException.class, () -> sql(s -> s.exec(statement)));
        assertTrue(e.getMessage().endsWith("is not allowed in an object's database"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT * FROM _cairn_meta", "CREATE TABLE _CAIRN_x (a)", "SELECT * FROM \"_cairn_kv\"",
            "SELECT * FROM [_cairn_kv]", "DROP TABLE `_cairn_alarm`"})
    void cairnsReservedNamesAreRefused(String statement) {
        var e = assertThrows(ObjectException.class, () -> sql(s -> s.exec(statement)));
        assertTrue(e.getMessage().contains("names starting with _cairn_ belong to Cairn"), e.getMessage());
    }

    @Test
    void reservedTextInsideStringsOrCommentsIsJustData() {
        sql(s -> s.exec("CREATE TABLE notes (t TEXT)"));
        assertEquals("_cairn_kv; BEGIN", sql(s -> s.exec(
                "-- _cairn_ in a comment\nINSERT INTO notes VALUES ('_cairn_kv; BEGIN') RETURNING t").one().getString("t")));
    }

    @Test
    void aTriggerBodyIsOneStatement() {
        sql(s -> s.exec("""
                CREATE TABLE a (x INTEGER); CREATE TABLE log (y TEXT);
                CREATE TRIGGER tr AFTER INSERT ON a BEGIN
                  INSERT INTO log VALUES (CASE WHEN new.x > 1 THEN 'big' ELSE 'small' END);
                  INSERT INTO log VALUES ('again');
                END;
                INSERT INTO a VALUES (2)"""));
        assertEquals(List.of(List.of("big"), List.of("again")), sql(s -> s.exec("SELECT y FROM log").raw()));
    }

    @Test
    void parameterMistakesSayWhatIsExpected() {
        var count = assertThrows(ObjectException.class, () -> sql(s -> s.exec("SELECT ?", 1, 2)));
        assertEquals("wrong number of parameters: the statement has 1, got 2", count.getMessage());
        var early = assertThrows(ObjectException.class, () -> sql(s -> s.exec("SELECT ?; SELECT 1", 1)));
        assertTrue(early.getMessage().startsWith("only the last statement of an exec may have parameters"));
        var type = assertThrows(ObjectException.class, () -> sql(s -> s.exec("SELECT ?", List.of())));
        assertTrue(type.getMessage().contains("allowed: null, Long"), type.getMessage());
    }

    @Test
    void aFailingStatementRollsBackTheWholeCall() {
        sql(s -> s.exec("CREATE TABLE u (k TEXT PRIMARY KEY)"));
        assertThrows(ObjectException.class, () -> sql(s -> {
            s.exec("INSERT INTO u VALUES ('first')");
            return s.exec("INSERT INTO u VALUES ('first')"); // constraint violation
        }));
        assertEquals(Long.valueOf(0), sql(s -> s.exec("SELECT count(*) AS n FROM u").one().getLong("n")));
    }

    @Test
    void storageIsRefusedOutsideTheObjectsOwnThread() throws Exception {
        var leaked = cairn.runIn(object, (s, ctx) -> ctx.storage().sql());
        var e = assertThrows(dev.cairn.api.StorageException.class, () -> leaked.exec("SELECT 1"));
        assertTrue(e.getMessage().contains("used outside its own thread"), e.getMessage());
    }
}
