package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Namespace lifecycle on the packaged service: the example namespace {@code chat} renamed {@code rooms}
 * serves its rooms (history included) under the same ids, once, across a kill -9; a directory no
 * declaration explains is reported and kept; then {@code rooms} deleted leaves no file and no listing.
 * (Chat has no contract endpoints: those of a contract name its namespace, so renaming such a namespace
 * means editing its contract too.)
 */
class NamespaceLifecycleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The examples declare chat; an empty class switches it off, as a deployment would. */
    private static final String[] RENAMED = CairnProcess.withAdmin("cairn.namespaces.chat.class=",
            "cairn.namespaces.rooms.class=dev.cairn.examples.ChatRoom", "cairn.namespaces.rooms.renamed-from=chat");
    private static final String[] DELETED = CairnProcess.withAdmin("cairn.namespaces.chat.class=", "cairn.namespaces.rooms.deleted=true");

    @TempDir
    Path data;

    @Test
    void aRenamedNamespaceKeepsItsObjectsUnderTheSameIdsAndADeletedOneLeavesNothing() throws Exception {
        List<String> ids = new ArrayList<>();
        try (var cairn = CairnProcess.start(data, CairnProcess.withAdmin()).awaitListening()) {
            for (String room : List.of("lobby", "garden")) {
                var ann = WebSocketRestartIT.Client.join(cairn, room, "ann");
                ann.ws.sendText("hello from " + room, true);
                ann.until("hello from " + room);
                ann.ws.sendClose(1000, "bye");
                ann.closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            for (JsonNode o : json(cairn.sendAsAdmin("GET", "/admin/namespaces/chat/objects", null)).get("objects")) {
                ids.add(o.get("id").asText());
            }
            cairn.stop();
        }
        try (var cairn = CairnProcess.start(data, RENAMED).awaitListening()) {
            cairn.awaitLine("namespace 'rooms' renamed from 'chat': 2 objects", Duration.ofSeconds(5));
            assertServedAsRooms(cairn, ids);
            assertEquals(137, cairn.kill());
        }
        assertFalse(Files.exists(data.resolve("chat")));
        Files.createDirectories(data.resolve("forgotten/ab"));
        Files.writeString(data.resolve("forgotten/ab/ab01.sqlite"), "not ours to judge");

        try (var cairn = CairnProcess.start(data, RENAMED).awaitListening()) {
            cairn.awaitLine("holds 1 object databases of namespace 'forgotten', which is not declared", Duration.ofSeconds(5));
            assertFalse(cairn.output().contains("renamed from 'chat'"), "applied once:\n" + cairn.output());
            assertServedAsRooms(cairn, ids);
            cairn.stop();
        }
        assertTrue(Files.exists(data.resolve("forgotten/ab/ab01.sqlite")), "reported, not deleted");

        try (var cairn = CairnProcess.start(data, DELETED).awaitListening()) {
            cairn.awaitLine("namespace 'rooms' deleted (cairn.namespaces.rooms.deleted): 2 objects", Duration.ofSeconds(5));
            for (JsonNode n : json(cairn.sendAsAdmin("GET", "/admin/namespaces", null))) {
                assertFalse(List.of("rooms", "chat").contains(n.get("namespace").asText()), n.toString());
            }
            assertEquals(404, cairn.sendAsAdmin("GET", "/admin/namespaces/rooms/objects", null).statusCode());
            cairn.stop();
        }
        assertFalse(Files.exists(data.resolve("rooms")));
        try (Stream<Path> left = Files.list(data)) {
            assertEquals(List.of(), left.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("commit-log") && !n.equals("forgotten")).toList());
        }
    }

    private static void assertServedAsRooms(CairnProcess cairn, List<String> ids) throws Exception {
        JsonNode listed = json(cairn.sendAsAdmin("GET", "/admin/namespaces/rooms/objects", null)).get("objects");
        List<String> names = new ArrayList<>();
        List<String> listedIds = new ArrayList<>();
        for (JsonNode o : listed) {
            names.add(o.get("name").asText());
            listedIds.add(o.get("id").asText());
        }
        assertEquals(ids, listedIds, "the same ids");
        assertEquals(List.of("garden", "lobby"), names.stream().sorted().toList());
        var bob = WebSocketRestartIT.Client.join(cairn, "rooms", "lobby", "bob");
        String history = bob.until("\"type\":\"history\"");
        assertTrue(history.contains("hello from lobby"), history);
        bob.ws.sendClose(1000, "bye");
        assertEquals(404, cairn.sendAsAdmin("GET", "/admin/namespaces/chat/objects", null).statusCode(), "chat is no longer served");
    }

    private static JsonNode json(java.net.http.HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }
}
