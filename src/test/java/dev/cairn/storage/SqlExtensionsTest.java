package dev.cairn.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.Scratch;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SQLite extensions Cloudflare offers, through an object's storage: FTS5, JSON, R*Tree. */
class SqlExtensionsTest {
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("scratch", Scratch.class).freshPerTest().build();
    Stub<Scratch> object;

    @BeforeEach
    void start() {
        object = cairn.get(Scratch.class, "extensions");
    }

    private <R> R sql(Function<SqlStorage, R> body) {
        return cairn.runIn(object, (s, ctx) -> body.apply(ctx.storage().sql()));
    }

    @Test
    void fts5FindsDocumentsByTheirWordsRankedAndHighlighted() {
        sql(s -> s.exec("""
                CREATE VIRTUAL TABLE doc USING fts5(title, body);
                INSERT INTO doc VALUES ('Objects', 'durable objects are durable: objects keep state'),
                                       ('Storage', 'each object has its own SQLite database'),
                                       ('Alarms', 'an alarm wakes a durable object later')"""));
        assertEquals(List.of("Objects", "Alarms"), sql(s -> s.exec(
                "SELECT title FROM doc WHERE doc MATCH ? ORDER BY rank", "durable").toList().stream().map(r -> r.getString("title")).toList()));
        assertEquals("each [object] has its own [SQLite] database", sql(s -> s.exec(
                "SELECT highlight(doc, 1, '[', ']') AS h FROM doc WHERE doc MATCH 'body: sqlite AND object'").one().getString("h")));
        assertEquals(List.of(), sql(s -> s.exec("SELECT title FROM doc WHERE doc MATCH 'websocket'").toList()));
    }

    @Test
    void jsonFunctionsReadAndSplitDocuments() {
        sql(s -> s.exec("""
                CREATE TABLE event (id INTEGER PRIMARY KEY, body TEXT NOT NULL CHECK (json_valid(body)));
                INSERT INTO event (body) VALUES ('{"user": {"name": "ada"}, "tags": ["a", "b"], "n": 3}'),
                                                ('{"user": {"name": "grace"}, "tags": [], "n": 4}')"""));
        assertEquals(List.of("ada", "grace"), sql(s -> s.exec("SELECT json_extract(body, '$.user.name') AS name FROM event ORDER BY id")
                .toList().stream().map(r -> r.getString("name")).toList()));
        assertEquals(List.of(List.of(1L, "a"), List.of(1L, "b")), sql(s -> s.exec(
                "SELECT e.id, t.value FROM event e, json_each(e.body, '$.tags') t ORDER BY t.value").raw()));
        assertEquals(Long.valueOf(7), (Object) sql(s -> s.exec("SELECT sum(body ->> '$.n') AS total FROM event").one().getLong("total")));
        assertEquals("{\"name\":\"ada\",\"tags\":2}", sql(s -> s.exec("""
                SELECT json_object('name', body ->> '$.user.name', 'tags', json_array_length(body -> '$.tags')) AS o
                FROM event WHERE id = 1""").one().getString("o")));
    }

    @Test
    void rtreeAnswersRangeQueries() {
        sql(s -> s.exec("""
                CREATE VIRTUAL TABLE box USING rtree(id, min_x, max_x, min_y, max_y);
                INSERT INTO box VALUES (1, 0, 10, 0, 10), (2, 5, 15, 5, 15), (3, 20, 30, 20, 30), (4, -5, -1, -5, -1)"""));
        assertEquals(List.of(1L, 2L), sql(s -> s.exec(
                "SELECT id FROM box WHERE max_x >= ? AND min_x <= ? AND max_y >= ? AND min_y <= ? ORDER BY id", 8, 12, 8, 12)
                .toList().stream().map(r -> r.getLong("id")).toList()), "the boxes overlapping [8, 12] x [8, 12]");
        assertEquals(List.of(1L), sql(s -> s.exec(
                "SELECT id FROM box WHERE min_x >= 0 AND max_x <= 10 AND min_y >= 0 AND max_y <= 10").toList().stream()
                .map(r -> r.getLong("id")).toList()), "the boxes inside [0, 10] x [0, 10]");
    }
}
