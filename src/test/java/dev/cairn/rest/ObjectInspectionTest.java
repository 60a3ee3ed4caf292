package dev.cairn.rest;

import static dev.cairn.Admin.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Alarmed;
import dev.cairn.LogCapture;
import dev.cairn.api.Namespaces;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * {@code /admin/objects/{ns}/{id}}: an object's tables, entries, alarm and sockets; one read-only query
 * through its mailbox, which can never change it; its key-value entries page by page.
 */
@QuarkusTest
class ObjectInspectionTest {
    final CairnTestKit cairn = CairnTestKit.inQuarkus();

    @Inject
    Namespaces namespaces;
    @Inject
    InstantSource clock;

    @Test
    void anObjectIsShownWithItsTablesEntriesAndAlarmWithoutConstructingIt() {
        String name = UUID.randomUUID().toString();
        Instant alarm = clock.instant().plus(3650, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Stub<Alarmed> stub = seed(name);
        stub.call(a -> {
            a.ctx.storage().setAlarm(alarm);
            return null;
        });
        cairn.evict(stub);
        int constructions = Alarmed.CONSTRUCTIONS.get(name).get();

        JsonPath object = asAdmin().get(path(name)).then().statusCode(200).extract().jsonPath();
        assertEquals(name, object.getString("name"));
        assertEquals(false, object.getBoolean("active"));
        assertEquals(alarm.toString(), object.getString("alarm"));
        assertEquals(List.of("notes", "runs"), object.getList("tables.name", String.class));
        assertEquals(List.of("id", "body"), object.getList("tables[0].columns.name", String.class));
        assertEquals(List.of("INTEGER", "TEXT"), object.getList("tables[0].columns.type", String.class));
        assertEquals(3, object.getLong("tables[0].rows"));
        assertEquals(2, object.getLong("keyValueEntries"));
        assertTrue(object.getLong("bytes") >= 4096);
        assertEquals(List.of(), object.getList("sockets"));
        assertEquals(constructions, Alarmed.CONSTRUCTIONS.get(name).get(), "read inside the object without constructing it");
    }

    @Test
    void aQueryAnswersItsRowsBoundedAndIsLoggedWithWhoRanIt() {
        String name = UUID.randomUUID().toString();
        seed(name);
        try (var log = new LogCapture("dev.cairn.service.NodeHoldings")) {
            JsonPath answer = query(name, Map.of("sql", "SELECT id, body FROM notes WHERE id >= ? ORDER BY id", "params", List.of(2)), 200);
            assertEquals(List.of("id", "body"), answer.getList("columns", String.class));
            assertEquals(List.of(List.of(2, "two"), List.of(3, "three")), answer.getList("rows"));
            assertEquals(false, answer.getBoolean("truncated"));
            assertEquals(100, answer.getInt("maxRows"));
            assertEquals(5000, answer.getLong("timeLimitMs"));
            assertTrue(log.messages(Level.INFO).stream().anyMatch(m -> m.startsWith("admin query by admin on alarmed/")
                    && m.endsWith("SELECT id, body FROM notes WHERE id >= ? ORDER BY id")), log.messages(Level.INFO).toString());
        }
        JsonPath limited = query(name, Map.of("sql", "SELECT * FROM notes ORDER BY id", "maxRows", 2), 200);
        assertEquals(2, limited.getList("rows").size());
        assertEquals(true, limited.getBoolean("truncated"));
        assertEquals(List.of(List.of("notes")), query(name, Map.of("sql", "SELECT name FROM pragma_table_list WHERE name = 'notes'"), 200)
                .getList("rows"));
    }

    @Test
    void aQueryCanNeverChangeTheObject() {
        String name = UUID.randomUUID().toString();
        seed(name);
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("INSERT INTO notes VALUES (9, 'nine')", "INSERT is not allowed here: queries only read");
        refused.put("UPDATE notes SET body = 'x'", "UPDATE is not allowed here");
        refused.put("DELETE FROM notes", "DELETE is not allowed here");
        refused.put("DROP TABLE notes", "DROP is not allowed here");
        refused.put("CREATE TABLE more (x)", "CREATE is not allowed here");
        refused.put("REPLACE INTO notes VALUES (1, 'x')", "REPLACE is not allowed here");
        refused.put("WITH doomed AS (SELECT 1) DELETE FROM notes", "the query tried to write");
        refused.put("SELECT 1; DELETE FROM notes", "one statement per query, got 2");
        refused.put("PRAGMA user_version = 7", "PRAGMA user_version is not allowed");
        refused.put("PRAGMA query_only = OFF", "PRAGMA query_only is not allowed");
        refused.put("PRAGMA foreign_keys = OFF", "not allowed");
        refused.put("ATTACH DATABASE '/tmp/elsewhere.sqlite' AS other", "ATTACH is not allowed");
        refused.put("VACUUM INTO '/tmp/copy.sqlite'", "VACUUM is not allowed");
        refused.put("SELECT * FROM _cairn_kv", "'_cairn_kv' is reserved");
        refused.put("SELECT * FROM \"_cairn_alarm\"", "'_cairn_alarm' is reserved");
        refused.put("BEGIN", "BEGIN is not allowed");
        refused.forEach((sql, why) -> asAdmin().contentType(ContentType.JSON).body(Map.of("sql", sql)).post(path(name) + "/query").then()
                .statusCode(400).body("detail", containsString(why)));
        // SQLite's own functions cannot write, and Cairn registers none of its own on object databases.
        assertEquals(List.of(List.of(3, 6, "one")), query(name, Map.of("sql", "SELECT count(*), sum(id), min(body) FROM notes"), 200).getList("rows"),
                "nothing changed");
        assertEquals(2, asAdmin().get(path(name)).then().statusCode(200).extract().jsonPath().getLong("keyValueEntries"));
        assertEquals(List.of("notes", "runs"), asAdmin().get(path(name)).then().extract().jsonPath().getList("tables.name", String.class));
        assertTrue(!new java.io.File("/tmp/elsewhere.sqlite").exists() && !new java.io.File("/tmp/copy.sqlite").exists());
    }

    @Test
    void entriesArePagedInKeyOrderFromStart() {
        String name = UUID.randomUUID().toString();
        seed(name);
        JsonPath first = asAdmin().queryParam("limit", 1).get(path(name) + "/kv").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("color"), first.getList("entries.key", String.class));
        assertEquals("blue", first.getString("entries[0].value"));
        JsonPath second = asAdmin().queryParam("limit", 1).queryParam("start", first.getString("nextStart")).get(path(name) + "/kv")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("size"), second.getList("entries.key", String.class));
        assertEquals(Map.of("w", 3), second.getMap("entries[0].value"));
        assertEquals(null, second.getString("nextStart"));
        asAdmin().queryParam("prefix", "si").get(path(name) + "/kv").then().statusCode(200).body("entries.key", equalTo(List.of("size")));
    }

    @Test
    void anObjectNotStoredHereIsNotFoundAndABadIdRefused() {
        String never = namespaces.get("alarmed").idFromName(UUID.randomUUID().toString()).toString();
        asAdmin().get("/admin/objects/alarmed/" + never).then().statusCode(404).body("detail", containsString("is stored on this node"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("sql", "SELECT 1")).post("/admin/objects/alarmed/" + never + "/query").then()
                .statusCode(404);
        asAdmin().get("/admin/objects/alarmed/not-an-id").then().statusCode(400);
        asAdmin().contentType(ContentType.JSON).body(Map.of("sql", "")).post("/admin/objects/alarmed/" + never + "/query").then()
                .statusCode(400);
    }

    private Stub<Alarmed> seed(String name) {
        Stub<Alarmed> stub = cairn.get(Alarmed.class, name);
        stub.call(a -> {
            a.ctx.storage().sql().exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
            a.ctx.storage().sql().exec("INSERT INTO notes VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            a.ctx.storage().put("color", "blue");
            a.ctx.storage().put("size", Map.of("w", 3));
            return null;
        });
        return stub;
    }

    private String path(String name) {
        return "/admin/objects/alarmed/" + namespaces.get("alarmed").idFromName(name);
    }

    private JsonPath query(String name, Map<String, Object> body, int status) {
        return asAdmin().contentType(ContentType.JSON).body(body).post(path(name) + "/query").then().statusCode(status).extract().jsonPath();
    }
}
