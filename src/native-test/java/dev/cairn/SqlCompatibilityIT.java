package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloudflare's SQL surface on the packaged service (jar, and the native binary with its own SQLite
 * library), through an object's read-only admin query: JSON functions, FTS5 and R*Tree compiled in,
 * an allowed pragma, the 32-argument limit on function calls; and ids minted in a jurisdiction.
 */
class SqlCompatibilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void jsonFts5RtreePragmasAndTheArgumentLimitWorkInThePackagedService() throws Exception {
        try (var cairn = CairnProcess.start(data, CairnProcess.withAdmin()).awaitListening()) {
            assertEquals(200, cairn.send("POST", "/objects/counter/sql/increment", null).statusCode());
            String id = JSON.readTree(cairn.sendAsAdmin("GET", "/admin/namespaces/counter/objects?prefix=sql", null).body())
                    .get("objects").get(0).get("id").asText();
            String query = "/admin/objects/counter/" + id + "/query";

            assertEquals(2, rows(cairn.sendAsAdmin("POST", query,
                    "{\"sql\": \"SELECT json_extract('{\\\"a\\\": [1, 2, 3]}', '$.a[1]') AS v\"}")).get(0).get(0).asInt());
            assertEquals(2, rows(cairn.sendAsAdmin("POST", query, "{\"sql\": \"SELECT count(*) FROM pragma_compile_options"
                    + " WHERE compile_options IN ('ENABLE_FTS5', 'ENABLE_RTREE')\"}")).get(0).get(0).asInt(), "FTS5 and R*Tree compiled in");
            assertEquals("ok", rows(cairn.sendAsAdmin("POST", query, "{\"sql\": \"PRAGMA quick_check\"}")).get(0).get(0).asText());

            String args = IntStream.rangeClosed(1, 33).mapToObj(Integer::toString).collect(Collectors.joining(","));
            var tooMany = cairn.sendAsAdmin("POST", query, "{\"sql\": \"SELECT max(" + args + ")\"}");
            assertEquals(400, tooMany.statusCode(), tooMany.body());
            assertTrue(tooMany.body().contains("at most 32 (cairn.storage.sql-max-function-args)"), tooMany.body());
            String allowed = IntStream.rangeClosed(1, 32).mapToObj(Integer::toString).collect(Collectors.joining(","));
            assertEquals(32, rows(cairn.sendAsAdmin("POST", query, "{\"sql\": \"SELECT max(" + allowed + ")\"}")).get(0).get(0).asInt());
        }
    }

    @Test
    void anIdMintedInAJurisdictionServesAndAnUnknownJurisdictionIsRefusedWithTheAllowedOnes() throws Exception {
        try (var cairn = CairnProcess.start(data).awaitListening()) {
            var minted = cairn.send("POST", "/objects/counter", "{\"jurisdiction\": \"eu\"}");
            assertEquals(200, minted.statusCode(), minted.body());
            String id = JSON.readTree(minted.body()).get("id").asText();
            assertEquals("{\"value\":1}", cairn.send("POST", "/ids/counter/" + id + "/increment", null).body());
            var unknown = cairn.send("POST", "/objects/counter", "{\"jurisdiction\": \"mars\"}");
            assertEquals(400, unknown.statusCode(), unknown.body());
            assertTrue(unknown.body().contains("eu"), unknown.body());
        }
    }

    private static JsonNode rows(HttpResponse<String> answer) throws Exception {
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body()).get("rows");
    }
}
