package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes of the packaged service on loopback, started by {@code deploy/local-cluster.sh}: every
 * node accepts every call and the object's owner answers it, with the headers that name the owner
 * and the shard.
 */
class ClusterRoutingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHARDS = 64; // cairn.cluster.shards's default
    private static LocalCluster cluster;

    @BeforeAll
    static void up() throws Exception {
        Files.createDirectories(Path.of("target/cluster-it"));
        Path dir = Files.createTempDirectory(Path.of("target/cluster-it").toAbsolutePath(), "routing-");
        long started = System.nanoTime();
        cluster = LocalCluster.up(3, dir);
        System.out.printf("ClusterRoutingIT: 3 nodes ready in %d ms (logs in %s)%n", (System.nanoTime() - started) / 1_000_000, dir);
        // These tests count owners, so they start once leadership is spread.
        cluster.awaitLeadershipSpread("n1", Duration.ofSeconds(60));
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String owner(HttpResponse<String> response) {
        return response.headers().firstValue("Cairn-Owner").orElseThrow(() -> new AssertionError(
                "no Cairn-Owner header: " + response.statusCode() + " " + response.headers().map() + " " + response.body()));
    }

    private static int shard(HttpResponse<String> response) {
        return Integer.parseInt(response.headers().firstValue("Cairn-Shard").orElseThrow(() -> new AssertionError(
                "no Cairn-Shard header: " + response.statusCode() + " " + response.headers().map())));
    }

    @Test
    void oneCounterIncrementedThroughEachNodeInTurnCountsOneSequence() throws Exception {
        String path = "/objects/counter/seq-" + UUID.randomUUID();
        List<Long> values = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        List<Integer> shards = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            var answer = cluster.send(cluster.nodeIds().get(i % 3), "POST", path + "/increment", "{}");
            assertEquals(200, answer.statusCode(), answer.body());
            values.add(JSON.readTree(answer.body()).get("value").asLong());
            owners.add(owner(answer));
            shards.add(shard(answer));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), values, "one object, whichever node is asked");
        assertEquals(1, owners.stream().distinct().count(), "one owner: " + owners);
        assertTrue(cluster.nodeIds().contains(owners.getFirst()), owners.getFirst());
        assertEquals(1, shards.stream().distinct().count(), "one shard: " + shards);
        assertTrue(shards.getFirst() >= 0 && shards.getFirst() < SHARDS, "shard " + shards.getFirst());
        for (String node : cluster.nodeIds()) {
            var read = cluster.send(node, "GET", path, null);
            assertEquals("{\"value\":6}", read.body().replace(" ", ""), node);
            assertEquals(owners.getFirst(), owner(read));
        }
    }

    /**
     * Each node owns roughly a third of 1,000 named objects (rendezvous hashing over 64 shards); the
     * requests a node forwards are metered by namespace, not by object name.
     */
    @Test
    void aThousandObjectsAreSpreadOverTheNodes() throws Exception {
        Map<String, Integer> owned = new TreeMap<>();
        cluster.nodeIds().forEach(id -> owned.put(id, 0));
        String prefix = "spread-" + UUID.randomUUID() + "-";
        for (int i = 0; i < 1000; i++) {
            var answer = cluster.send(cluster.nodeIds().get(i % 3), "GET", "/objects/counter/" + prefix + i, null);
            assertEquals(200, answer.statusCode(), answer.body());
            owned.merge(owner(answer), 1, Integer::sum);
        }
        System.out.println("ClusterRoutingIT: 1,000 objects owned per node: " + owned);
        assertEquals(cluster.nodeIds(), List.copyOf(owned.keySet()), "owners are members: " + owned);
        owned.forEach((node, count) -> assertTrue(count >= 200 && count <= 470,
                node + " owns " + count + " of 1,000 (expected 20% to 47%): " + owned));
        for (String node : cluster.nodeIds()) {
            String metrics = cluster.send(node, "GET", "/q/metrics", null).body();
            List<String> requests = metrics.lines().filter(l -> l.startsWith("http_server_requests_seconds_count")).toList();
            assertTrue(requests.stream().noneMatch(l -> l.contains(prefix)), node + " tags requests by object name: "
                    + requests.stream().filter(l -> l.contains(prefix)).limit(3).toList());
            assertTrue(requests.stream().anyMatch(l -> l.contains("uri=\"/objects/counter/{name}/*\"")),
                    node + " tags the requests it forwarded by namespace: " + requests);
        }
    }

    /** The fetch path goes to the owner too: KvStore's fetch handler answers a stored value as JSON. */
    @Test
    void theFetchPathIsAnsweredByTheOwner() throws Exception {
        String store = "/objects/kv/fetched-" + UUID.randomUUID();
        assertEquals(204, cluster.send("n1", "PUT", store + "/keys/greeting", "{\"hello\": \"world\"}").statusCode());
        List<String> owners = new ArrayList<>();
        for (String node : cluster.nodeIds()) {
            var answer = cluster.send(node, "GET", store + "/fetch/greeting", null);
            assertEquals(200, answer.statusCode(), node + ": " + answer.body());
            assertEquals("{\"hello\":\"world\"}", answer.body(), "the owner's fetch handler answered through " + node);
            owners.add(owner(answer));
            assertEquals(404, cluster.send(node, "GET", store + "/fetch/absent", null).statusCode());
        }
        assertEquals(1, owners.stream().distinct().count(), owners.toString());
    }

    /** A chat participant: the JSON messages it received, in order. */
    private static final class Member implements WebSocket.Listener {
        final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder part = new StringBuilder();
        WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                received.add(part.toString());
                part.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        JsonNode next() throws Exception {
            String m = received.poll(10, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no message within 10 s");
            }
            return JSON.readTree(m);
        }
    }

    private static Member join(String node, String room, String user) throws Exception {
        Member m = new Member();
        URI uri = URI.create(cluster.url(node).replace("http:", "ws:") + "/objects/chat/" + room + "/ws?user=" + user);
        m.ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, m).get(10, TimeUnit.SECONDS);
        return m;
    }

    private static List<String> members(JsonNode presence) {
        List<String> out = new ArrayList<>();
        presence.get("members").forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Two clients of one room on two nodes: at least one of them is proxied by a node that does not own the room. */
    @Test
    void twoChatClientsOnDifferentNodesTalkThroughTheRoomsOwner() throws Exception {
        String room = "room-" + UUID.randomUUID();
        Member ada = join("n1", room, "ada");
        try {
            assertEquals("history", ada.next().get("type").asText());
            assertEquals(List.of("ada"), members(ada.next()));
            Member bob = join("n2", room, "bob");
            try {
                assertEquals("history", bob.next().get("type").asText());
                assertEquals(List.of("ada", "bob"), members(bob.next()));
                assertEquals(List.of("ada", "bob"), members(ada.next()), "ada sees bob arrive");
                for (var line : List.of(Map.entry(bob, "bob: hello ada"), Map.entry(ada, "ada: hi bob"))) {
                    line.getKey().ws.sendText(line.getValue().substring(5), true).join();
                    for (Member m : List.of(ada, bob)) { // everyone gets it, the sender too
                        JsonNode message = m.next();
                        assertEquals(line.getValue(), message.get("user").asText() + ": " + message.get("text").asText());
                    }
                }
                bob.ws.sendClose(1000, "bye").join();
                assertEquals(1000, bob.closed.get(10, TimeUnit.SECONDS), "the close comes back through the proxy");
                JsonNode left = ada.next();
                assertEquals("leave", left.get("type").asText());
                assertEquals(List.of("ada"), members(left));
            } finally {
                bob.ws.abort();
            }
        } finally {
            ada.ws.abort();
        }
    }

    /**
     * A game server creates each match, an object of its own with a random unique id, through
     * GameMatchStub: most matches live on another node than the server, and the server reads them
     * back through the same stubs.
     */
    @Test
    void anObjectCallsObjectsOnOtherNodesThroughTypedStubs() throws Exception {
        String server = "/objects/game-server/arena-" + UUID.randomUUID();
        String serverOwner = owner(cluster.send("n1", "GET", server + "/matches", null));
        List<String> ids = new ArrayList<>();
        List<String> matchOwners = new ArrayList<>();
        // A unique id is on another node with probability 2/3: stop once two are, or after 30.
        while (matchOwners.stream().filter(o -> !o.equals(serverOwner)).count() < 2 && ids.size() < 30) {
            String via = cluster.nodeIds().get(ids.size() % 3);
            var created = cluster.send(via, "POST", server + "/matches", "{\"players\": [\"p" + ids.size() + "\"]}");
            assertEquals(200, created.statusCode(), created.body());
            JsonNode match = JSON.readTree(created.body());
            assertEquals("p" + ids.size(), match.at("/players/0/player").asText(), created.body());
            ids.add(match.get("id").asText());
            var read = cluster.send(via, "GET", "/ids/game-match/" + match.get("id").asText(), null);
            assertEquals(200, read.statusCode(), read.body());
            matchOwners.add(owner(read));
        }
        assertTrue(matchOwners.stream().filter(o -> !o.equals(serverOwner)).count() >= 2,
                "server on " + serverOwner + ", matches on " + matchOwners);

        for (String node : cluster.nodeIds()) {
            var listed = cluster.send(node, "GET", server + "/matches", null);
            assertEquals(200, listed.statusCode(), listed.body());
            List<String> listedIds = new ArrayList<>();
            JSON.readTree(listed.body()).get("matches").forEach(m -> listedIds.add(m.get("id").asText()));
            assertEquals(ids, listedIds, "every match, oldest first, read from its own node");
        }
        assertNotEquals(List.of(serverOwner), matchOwners.stream().distinct().toList());
    }
}
