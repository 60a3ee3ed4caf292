package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time recovery on the packaged service, through the admin API: a counter's history survives
 * a kill -9 and a restart; a restore to a bookmark (taken then, or for a past time) restarts the object
 * restored, stays restored across a restart, and is undone by the bookmark it answers.
 */
class PointInTimeRecoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] SETTINGS = CairnProcess.withAdmin();

    @TempDir
    Path data;

    @Test
    void aCounterIsRestoredAcrossCrashesAndRestartsAndTheRestoreIsUndone() throws Exception {
        String id;
        String atFive;
        Instant afterEight;
        try (var cairn = CairnProcess.start(data, SETTINGS).awaitListening()) {
            increment(cairn, 5);
            id = json(cairn.sendAsAdmin("GET", "/admin/namespaces/counter/objects?prefix=ledger", null)).at("/objects/0/id").asText();
            atFive = bookmark(cairn, id, "");
            increment(cairn, 3);
            afterEight = Instant.now();
            Thread.sleep(5); // the next commits happen at a later millisecond than afterEight
            assertEquals(137, cairn.kill());
        }
        Path history = data.resolve("counter").resolve(id.substring(0, 2)).resolve(id + ".sqlite.history");
        assertTrue(Files.isDirectory(history), "the history lies beside the object's database");

        String undo;
        try (var cairn = CairnProcess.start(data, SETTINGS).awaitListening()) {
            assertEquals(8, value(cairn), "every acknowledged increment survived the kill");
            increment(cairn, 2);
            undo = restore(cairn, id, atFive);
            assertEquals(5, value(cairn), "the object restarted restored");
            cairn.stop();
        }
        try (var cairn = CairnProcess.start(data, SETTINGS).awaitListening()) {
            assertEquals(5, value(cairn), "the restore stays after a restart");
            restore(cairn, id, bookmark(cairn, id, "?at=" + afterEight));
            assertEquals(8, value(cairn), "the state at a past time, across the crash");
            restore(cairn, id, undo);
            assertEquals(10, value(cairn), "the first restore undone");
            var refused = cairn.sendAsAdmin("POST", "/admin/objects/counter/" + id + "/restore", "{\"bookmark\":\"0-0-0\"}");
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("is not a bookmark"), refused.body());
            cairn.stop();
        }
    }

    @Test
    void theCounterRestoresItselfTheCloudflareWayByAborting() throws Exception {
        try (var cairn = CairnProcess.start(data, SETTINGS).awaitListening()) {
            increment(cairn, 2);
            String atTwo = json(cairn.send("GET", "/objects/counter/ledger/bookmark", null)).get("bookmark").asText();
            increment(cairn, 5);

            var aborted = cairn.send("POST", "/objects/counter/ledger/restore", "{\"bookmark\":\"" + atTwo + "\"}");
            assertEquals(500, aborted.statusCode(), aborted.body());
            JsonNode problem = json(aborted);
            assertTrue(problem.get("type").asText().endsWith("/aborted"), aborted.body());
            String detail = problem.get("detail").asText();
            assertTrue(detail.startsWith("restarting restored to " + atTwo + "; undo with "), detail);
            assertEquals(2, value(cairn), "the abort restarted the object, restored");

            String undo = detail.substring(detail.lastIndexOf(' ') + 1);
            assertEquals(500, cairn.send("POST", "/objects/counter/ledger/restore", "{\"bookmark\":\"" + undo + "\"}").statusCode());
            assertEquals(7, value(cairn), "undone");

            var unknown = cairn.send("POST", "/objects/counter/ledger/restore", "{\"bookmark\":\"" + atTwo.replace('-', '+') + "\"}");
            assertEquals(400, unknown.statusCode(), unknown.body());
            assertEquals(7, value(cairn), "a refused restore changes nothing");
            cairn.stop();
        }
    }

    private static void increment(CairnProcess cairn, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            var r = cairn.send("POST", "/objects/counter/ledger/increment", "{}");
            assertEquals(200, r.statusCode(), r.body());
        }
    }

    private static long value(CairnProcess cairn) throws Exception {
        return json(cairn.send("GET", "/objects/counter/ledger", null)).get("value").asLong();
    }

    private static String bookmark(CairnProcess cairn, String id, String query) throws Exception {
        var r = cairn.sendAsAdmin("GET", "/admin/objects/counter/" + id + "/bookmark" + query, null);
        assertEquals(200, r.statusCode(), r.body());
        return json(r).get("bookmark").asText();
    }

    private static String restore(CairnProcess cairn, String id, String bookmark) throws Exception {
        var r = cairn.sendAsAdmin("POST", "/admin/objects/counter/" + id + "/restore", "{\"bookmark\":\"" + bookmark + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        return json(r).get("undo").asText();
    }

    private static JsonNode json(java.net.http.HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }
}
