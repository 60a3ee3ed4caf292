package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listings on the packaged service: what a node stores is listed with names, sizes and
 * last writes, page by page, and still is after the process is killed (SIGKILL) a moment after the
 * writes, before any flush of the inventory could be counted on. An object's tables, entries and one
 * read-only query, which cannot write and is stopped at its time limit.
 */
class ObjectListingIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void storedObjectsAreListedWithTheirNamesPageByPageAndSurviveAKill() throws Exception {
        try (var cairn = CairnProcess.start(data, CairnProcess.withAdmin()).awaitListening()) {
            for (int i = 0; i < 25; i++) {
                assertEquals(200, cairn.send("POST", "/objects/counter/room-" + (100 + i) + "/increment", null).statusCode());
            }
            assertEquals(204, cairn.send("PUT", "/objects/kv/settings/keys/theme", "\"dark\"").statusCode());
            assertEquals(137, cairn.kill());
        }
        try (var cairn = CairnProcess.start(data, CairnProcess.withAdmin()).awaitListening()) {
            JsonNode namespaces = json(cairn.sendAsAdmin("GET", "/admin/namespaces", null));
            JsonNode counter = find(namespaces, "counter");
            assertEquals(25, counter.get("objectsStored").asLong(), namespaces.toString());
            assertTrue(counter.get("bytesStored").asLong() >= 25 * 4096, namespaces.toString());
            assertEquals("dev.cairn.examples.Counter", counter.get("className").asText());
            assertEquals(1, find(namespaces, "kv").get("objectsStored").asLong());

            List<String> names = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page = json(cairn.sendAsAdmin("GET", "/admin/namespaces/counter/objects?limit=10&prefix=room-"
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), null));
                for (JsonNode o : page.get("objects")) {
                    names.add(o.get("name").asText());
                    assertTrue(o.get("bytes").asLong() > 0, o.toString());
                    assertFalse(o.get("lastWrite").isNull(), o.toString());
                    assertFalse(o.get("active").asBoolean(), "nothing was called since the restart: " + o);
                }
                cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
                pages++;
            } while (cursor != null);
            assertEquals(3, pages);
            assertEquals(25, names.size());
            assertEquals(names.stream().sorted().toList(), names, "by name");
            assertEquals("room-100", names.getFirst());

            JsonNode byId = json(cairn.sendAsAdmin("GET", "/admin/namespaces/kv/objects", null));
            assertEquals("settings", byId.get("objects").get(0).get("name").asText());
            assertTrue(byId.get("nextCursor").isNull());

            assertEquals(400, cairn.sendAsAdmin("GET", "/admin/namespaces/counter/objects?cursor=nonsense", null).statusCode());
            assertEquals(400, cairn.sendAsAdmin("GET", "/admin/namespaces/counter/objects?limit=0", null).statusCode());
            var unknown = cairn.sendAsAdmin("GET", "/admin/namespaces/nope/objects", null);
            assertEquals(404, unknown.statusCode());
            assertTrue(unknown.body().contains("nope"), unknown.body());
            assertEquals(401, cairn.send("GET", "/admin/namespaces", null).statusCode());

            String settings = byId.get("objects").get(0).get("id").asText();
            JsonNode object = json(cairn.sendAsAdmin("GET", "/admin/objects/kv/" + settings, null));
            assertEquals(1, object.get("keyValueEntries").asLong(), object.toString());
            JsonNode entries = json(cairn.sendAsAdmin("GET", "/admin/objects/kv/" + settings + "/kv", null));
            assertEquals("theme", entries.get("entries").get(0).get("key").asText());
            assertEquals("dark", entries.get("entries").get(0).get("value").asText());
            String room = JSON.readTree(cairn.sendAsAdmin("GET", "/admin/namespaces/counter/objects?limit=1&prefix=room-100", null).body())
                    .get("objects").get(0).get("id").asText();
            JsonNode tables = json(cairn.sendAsAdmin("GET", "/admin/objects/counter/" + room, null)).get("tables");
            String table = tables.get(0).get("name").asText();
            JsonNode answer = json(cairn.sendAsAdmin("POST", "/admin/objects/counter/" + room + "/query",
                    "{\"sql\": \"SELECT count(*) AS n FROM " + table + "\"}"));
            assertEquals("n", answer.get("columns").get(0).asText(), answer.toString());
            var write = cairn.sendAsAdmin("POST", "/admin/objects/counter/" + room + "/query", "{\"sql\": \"DELETE FROM " + table + "\"}");
            assertEquals(400, write.statusCode(), write.body());
            var hiddenWrite = cairn.sendAsAdmin("POST", "/admin/objects/counter/" + room + "/query",
                    "{\"sql\": \"WITH x AS (SELECT 1) DELETE FROM " + table + "\"}");
            assertTrue(hiddenWrite.body().contains("the query tried to write"), hiddenWrite.body());
            var slow = cairn.sendAsAdmin("POST", "/admin/objects/counter/" + room + "/query",
                    "{\"sql\": \"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n\"}");
            assertEquals(400, slow.statusCode(), slow.body());
            assertTrue(slow.body().contains("ran past its time limit of 5000 ms"), slow.body());
            assertEquals("{\"value\":2}", cairn.send("POST", "/objects/counter/room-100/increment", null).body(), "still whole after the queries");
            cairn.stop();
        }
    }

    private static JsonNode json(java.net.http.HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static JsonNode find(JsonNode namespaces, String name) {
        for (JsonNode n : namespaces) {
            if (n.get("namespace").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no namespace " + name + " in " + namespaces);
    }
}
