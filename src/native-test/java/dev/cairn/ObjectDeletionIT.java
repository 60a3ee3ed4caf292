package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting objects on the packaged service: one object, then a whole namespace's with the process
 * killed (SIGKILL) in the middle. Every object is afterwards either whole or entirely gone.
 */
class ObjectDeletionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int OBJECTS = 100;

    @TempDir
    Path data;

    @Test
    void aDeletedObjectIsGoneAndAKilledNamespaceDeletionLeavesEachObjectWholeOrGone() throws Exception {
        try (var cairn = CairnProcess.start(data, CairnProcess.withAdmin("quarkus.log.category.\"dev.cairn.service.NodeHoldings\".level=DEBUG"))
                .awaitListening()) {
            assertEquals(204, cairn.send("PUT", "/objects/kv/doomed/keys/k", "\"v\"").statusCode());
            String doomed = JSON.readTree(cairn.sendAsAdmin("GET", "/admin/namespaces/kv/objects?prefix=doomed", null).body())
                    .get("objects").get(0).get("id").asText();
            var deleted = cairn.sendAsAdmin("DELETE", "/admin/objects/kv/" + doomed, null);
            assertEquals(200, deleted.statusCode(), deleted.body());
            assertEquals("{\"deleted\":1}", deleted.body());
            assertEquals(404, cairn.sendAsAdmin("GET", "/admin/objects/kv/" + doomed, null).statusCode());
            assertEquals(404, cairn.sendAsAdmin("DELETE", "/admin/objects/kv/" + doomed, null).statusCode());
            assertEquals(404, cairn.send("GET", "/objects/kv/doomed/keys/k", null).statusCode(), "a new, empty object");
            assertTrue(cairn.output().contains("admin delete by it-admin: kv/" + doomed + " deleted"), "logged with the user");

            for (int i = 0; i < OBJECTS; i++) {
                for (int n = 0; n < 2; n++) {
                    assertEquals(200, cairn.send("POST", "/objects/counter/c-" + i + "/increment", null).statusCode());
                }
            }
            HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(cairn.baseUri() + "/admin/namespaces/counter/objects"))
                    .header("Authorization", CairnProcess.ADMIN_AUTHORIZATION).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            cairn.awaitLine("admin delete: counter/", Duration.ofSeconds(30)); // the first object deleted
            assertEquals(137, cairn.kill());
        }
        try (var cairn = CairnProcess.start(data, CairnProcess.withAdmin()).awaitListening()) {
            Map<Long, Integer> byValue = new TreeMap<>();
            for (int i = 0; i < OBJECTS; i++) {
                var value = cairn.send("GET", "/objects/counter/c-" + i, null);
                assertEquals(200, value.statusCode(), value.body());
                byValue.merge(JSON.readTree(value.body()).get("value").asLong(), 1, Integer::sum);
            }
            assertTrue(byValue.keySet().stream().allMatch(v -> v == 0 || v == 2), "each whole (2) or gone (0): " + byValue);
            assertTrue(byValue.getOrDefault(0L, 0) >= 1, "the kill came after a deletion: " + byValue);
            cairn.stop();
        }
    }
}
