package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WebSockets of a moved object (cluster.md, Failover): a chat room (the ChatRoom example) with a
 * client through each node loses its leader to kill -9. The clients relayed by the other nodes are
 * closed by them with 1012 (reconnect), the one connected to the killed node loses its connection; all
 * reconnect through the survivors, get every acknowledged message in the history sent on join, and
 * talk again. Restarted, the killed node serves the room's history too.
 */
class ChatFailoverIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration MESSAGE_WITHIN = Duration.ofSeconds(10);
    /** Election (1–3 s) with room to spare on a loaded machine. */
    private static final Duration RECONNECTED_WITHIN = Duration.ofSeconds(20);
    private static LocalCluster cluster;

    @BeforeAll
    static void up() throws Exception {
        Files.createDirectories(Path.of("target/cluster-it"));
        Path dir = Files.createTempDirectory(Path.of("target/cluster-it").toAbsolutePath(), "chat-failover-");
        long started = System.nanoTime();
        cluster = LocalCluster.up(3, dir);
        cluster.awaitLeadershipSpread("n1", Duration.ofSeconds(60)); // the kill picks a leader: none moving by plan
        System.out.printf("ChatFailoverIT: 3 nodes ready, leadership spread, in %d ms (logs in %s)%n", (System.nanoTime() - started) / 1_000_000, dir);
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * A chat client: the messages it received, in order, and how its connection ended. The JDK client's
     * threads record them, the test thread reads.
     */
    private static final class Client implements WebSocket.Listener {
        final String user;
        final String node;
        final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        /** {@code close <code> <reason>} for a close frame, {@code error <exception>} for a connection that broke. */
        final CompletableFuture<String> ended = new CompletableFuture<>();
        private final StringBuilder part = new StringBuilder();
        WebSocket ws;

        Client(String user, String node) {
            this.user = user;
            this.node = node;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                try {
                    received.add(JSON.readTree(part.toString()));
                } catch (Exception e) {
                    ended.complete("error the room sent no JSON: " + part);
                }
                part.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended.complete("close " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended.complete("error " + error);
        }

        /** The next message of {@code type}, skipping presence ({@code join}, {@code leave}); an error or nothing in time fails. */
        JsonNode next(String type) throws Exception {
            long deadline = System.nanoTime() + MESSAGE_WITHIN.toNanos();
            while (true) {
                JsonNode m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new AssertionError(user + " (through " + node + ") received no " + type + " within " + MESSAGE_WITHIN
                            + (ended.isDone() ? "; its connection ended: " + ended.getNow(null) : ""));
                }
                String got = m.get("type").asText();
                if (got.equals(type)) {
                    return m;
                }
                assertTrue(got.equals("join") || got.equals("leave"), user + " expected " + type + ", got " + m);
            }
        }

        void send(String text) {
            ws.sendText(text, true).join();
        }

        void leave() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
            ws.abort();
        }
    }

    /** The owner of {@code room} as {@code via} places it: the {@code Cairn-Owner} of a call to it (the room has no fetch handler: 404). */
    private static String ownerOf(String room, String via) throws Exception {
        var answer = LocalCluster.retryingUnavailable(() -> cluster.send(via, "GET", "/objects/chat/" + room + "/fetch/owner", null),
                Instant.now().plus(RECONNECTED_WITHIN));
        assertEquals(404, answer.statusCode(), answer.body());
        return answer.headers().firstValue("Cairn-Owner").orElseThrow(() -> new AssertionError("no Cairn-Owner: " + answer.headers().map()));
    }

    /** Joins {@code room} as {@code user} through {@code node}: the client, connected (the room sends the history first). */
    private static Client join(String node, String room, String user) throws Exception {
        Client c = new Client(user, node);
        URI uri = URI.create(cluster.url(node).replace("http:", "ws:") + "/objects/chat/" + room + "/ws?user=" + user);
        c.ws = HTTP.newWebSocketBuilder().buildAsync(uri, c).get(MESSAGE_WITHIN.toSeconds(), TimeUnit.SECONDS);
        return c;
    }

    /**
     * Joins through {@code node} again and again (a refused upgrade: the room has no serving leader
     * yet) until a history arrives, at most until {@code deadline}: the client and that history.
     */
    private static Map.Entry<Client, JsonNode> rejoin(String node, String room, String user, Instant deadline) throws Exception {
        List<String> failures = new ArrayList<>();
        while (Instant.now().isBefore(deadline)) {
            Client c = null;
            try {
                c = join(node, room, user);
                return Map.entry(c, c.next("history"));
            } catch (Exception | AssertionError e) {
                failures.add(e.toString());
                if (c != null) {
                    c.ws.abort();
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError(user + " could not join " + room + " through " + node + " by " + deadline + ": " + failures);
    }

    private static List<String> texts(JsonNode history) {
        List<String> out = new ArrayList<>();
        history.get("messages").forEach(m -> out.add(m.get("user").asText() + ": " + m.get("text").asText()));
        return out;
    }

    /**
     * {@code from} says {@code text}; every client receives it as the room's next message. The
     * sender's copy is its acknowledgement: the room sends it only once the message is committed.
     */
    private static String say(Client from, String text, List<Client> everyone) throws Exception {
        from.send(text);
        for (Client c : everyone) {
            JsonNode m = c.next("message");
            assertEquals(from.user + ": " + text, m.get("user").asText() + ": " + m.get("text").asText(), c.user + " through " + c.node);
        }
        return from.user + ": " + text;
    }

    @Test
    void aRoomWhoseLeaderIsKilledKeepsItsHistoryAndItsClientsReconnectThroughTheOthers() throws Exception {
        String room = "failover-" + UUID.randomUUID();
        String killed = ownerOf(room, "n1");
        List<String> survivors = cluster.nodeIds().stream().filter(n -> !n.equals(killed)).toList();
        Map<String, String> through = new LinkedHashMap<>();
        through.put("ada", survivors.get(0));
        through.put("bob", survivors.get(1));
        through.put("cy", killed);

        List<Client> clients = new ArrayList<>();
        List<String> acknowledged = new ArrayList<>();
        try {
            for (var user : through.entrySet()) {
                Client c = join(user.getValue(), room, user.getKey());
                clients.add(c);
                assertEquals(List.of(), texts(c.next("history")), "a new room has no history");
            }
            for (int round = 1; round <= 10; round++) {
                for (Client c : clients) {
                    acknowledged.add(say(c, "message " + round + " from " + c.user, clients));
                }
            }

            assertEquals(killed, ownerOf(room, survivors.getFirst()), "the room did not move while its clients talked");
            long killing = System.nanoTime();
            var kill = cluster.kill(killed);
            assertEquals(0, kill.exitCode(), kill.output());
            long killedAt = System.nanoTime();
            Map<String, String> endings = new LinkedHashMap<>();
            for (Client c : clients) {
                String ending = c.ended.get(MESSAGE_WITHIN.toSeconds(), TimeUnit.SECONDS);
                endings.put(c.user + " through " + c.node, ending);
                if (!c.node.equals(killed)) {
                    assertTrue(ending.startsWith("close 1012 "), c.user + "'s relaying node " + c.node
                            + " tells it to reconnect, as when an object moves: " + ending);
                }
            }
            long closedIn = System.nanoTime() - killedAt;

            Instant deadline = Instant.now().plus(RECONNECTED_WITHIN);
            List<Client> back = new ArrayList<>();
            long servedIn = -1;
            for (int i = 0; i < clients.size(); i++) {
                Client before = clients.get(i);
                var rejoined = rejoin(survivors.get(i % survivors.size()), room, before.user, deadline);
                servedIn = servedIn < 0 ? System.nanoTime() - killing : servedIn;
                back.add(rejoined.getKey());
                assertEquals(acknowledged, texts(rejoined.getValue()),
                        before.user + " rejoined through " + rejoined.getKey().node + ": the history holds every acknowledged message, once, in order");
            }
            clients = back;
            String owner = ownerOf(room, survivors.getFirst());
            assertNotEquals(killed, owner, "the room moved to a survivor");
            for (Client c : clients) {
                acknowledged.add(say(c, "back from " + c.node, clients));
            }
            System.out.printf("ChatFailoverIT: %s (the room's leader) killed (the launcher took %d ms); its clients' connections ended"
                            + " by %d ms after that (%s); the room served again (a client rejoined with its history) %d ms after the kill"
                            + " began, on %s%n",
                    killed, (killedAt - killing) / 1_000_000, closedIn / 1_000_000, endings, servedIn / 1_000_000, owner);
        } finally {
            clients.forEach(Client::leave);
        }

        var restarted = cluster.start(killed);
        assertEquals(0, restarted.exitCode(), restarted.output());
        cluster.awaitEveryNodeReady(Duration.ofSeconds(30));
        var late = rejoin(killed, room, "dee", Instant.now().plus(RECONNECTED_WITHIN));
        late.getKey().leave();
        assertEquals(acknowledged, texts(late.getValue()), "through " + killed + " after its restart");
    }
}
