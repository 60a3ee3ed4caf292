package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged service, restarted for real on the same data directory. */
class RestartIT {
    @TempDir
    Path data;

    @Test
    void countersSurviveAFullRestartOnTheSameDataDirectory() throws Exception {
        String id;
        try (var cairn = CairnProcess.start(data).awaitListening()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, cairn.send("POST", "/objects/counter/survivor/increment", null).statusCode());
            }
            var minted = cairn.send("POST", "/objects/counter", null).body();
            id = minted.replaceAll(".*\"id\"\\s*:\\s*\"([0-9a-f]{64})\".*", "$1");
            assertEquals(200, cairn.send("POST", "/ids/counter/" + id + "/increment", "{\"by\": 7}").statusCode());
            cairn.stop();
        }
        try (var cairn = CairnProcess.start(data).awaitListening()) {
            assertEquals("{\"value\":5}", cairn.send("GET", "/objects/counter/survivor", null).body());
            assertEquals("{\"value\":7}", cairn.send("GET", "/ids/counter/" + id, null).body());
            assertEquals("{\"value\":6}", cairn.send("POST", "/objects/counter/survivor/increment", null).body());
            cairn.stop();
        }
        try (var files = Files.walk(data.resolve("counter"))) { // the data dir also holds the node's alarm-index.sqlite
            assertEquals(2, files.filter(p -> p.toString().endsWith(".sqlite")).count(), "one SQLite file per object");
        }
    }

    @Test
    void aBadNamespaceDeclarationStopsStartUpNamingTheKey() throws Exception {
        try (var cairn = CairnProcess.start(data, "cairn.namespaces.broken.class=com.example.Missing")) {
            assertNotEquals(0, cairn.awaitExit());
            assertTrue(cairn.output().contains("cairn.namespaces.broken.class: class com.example.Missing was not found"),
                    cairn.output());
        }
    }
}
