package dev.cairn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.DisabledOnIntegrationTest;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ChatRoom example with real WebSocket clients: presence, broadcast, history, limits. */
@QuarkusTest
class ChatRoomTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URI root;

    /**
     * The running service's node and its clock. Looked up when used: the class also runs as
     * {@code ChatRoomIT}, where the service runs in its own process.
     */
    private static CairnTestKit cairn() {
        return CairnTestKit.inQuarkus();
    }

    /** A chat participant: the JSON messages it received, in order. */
    static final class Member implements WebSocket.Listener, AutoCloseable {
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

        String nextRaw() throws Exception {
            String m = received.poll(10, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no message within 10 s");
            }
            return m;
        }

        void say(String text) {
            ws.sendText(text, true).join();
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    private URI room(String room, String user) {
        return URI.create("ws://" + root.getHost() + ":" + root.getPort() + "/objects/chat/" + room + "/ws"
                + (user == null ? "" : "?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)));
    }

    private Member join(String room, String user) throws Exception {
        Member m = new Member();
        m.ws = HTTP.newWebSocketBuilder().buildAsync(room(room, user), m).get(10, TimeUnit.SECONDS);
        return m;
    }

    private WebSocketHandshakeException refused(String room, String user) throws Exception {
        try {
            HTTP.newWebSocketBuilder().buildAsync(room(room, user), new WebSocket.Listener() {}).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (WebSocketHandshakeException) e.getCause();
        }
        throw new AssertionError("joined");
    }

    private static List<String> members(JsonNode presence) {
        List<String> out = new ArrayList<>();
        presence.get("members").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void membersSeeEachOtherJoinTalkAndLeave() throws Exception {
        String room = "room-" + UUID.randomUUID();
        try (Member ada = join(room, "ada")) {
            assertEquals(0, ada.next().get("messages").size(), "an empty history first");
            JsonNode joined = ada.next();
            assertEquals("join", joined.get("type").asText());
            assertEquals(List.of("ada"), members(joined));
            try (Member bob = join(room, "bob")) {
                assertEquals("history", bob.next().get("type").asText());
                assertEquals(List.of("ada", "bob"), members(bob.next()));
                assertEquals(List.of("ada", "bob"), members(ada.next()), "ada sees bob arrive");

                bob.say("hello ada");
                for (Member m : List.of(ada, bob)) { // everyone gets it, the sender too
                    JsonNode message = m.next();
                    assertEquals("message", message.get("type").asText());
                    assertEquals("bob", message.get("user").asText());
                    assertEquals("hello ada", message.get("text").asText());
                }
                ada.say("{\"text\": \"hi bob\"}"); // JSON works as well as plain text
                for (Member m : List.of(ada, bob)) {
                    JsonNode message = m.next();
                    assertEquals("ada", message.get("user").asText());
                    assertEquals("hi bob", message.get("text").asText());
                }
                bob.ws.sendClose(1000, "bye").join();
                JsonNode left = ada.next();
                assertEquals("leave", left.get("type").asText());
                assertEquals("bob", left.get("user").asText());
                assertEquals(List.of("ada"), members(left));
            }
        }
    }

    @Test
    @DisabledOnIntegrationTest("reads an attachment through the node and hibernates the room by moving the node's clock (in-process only)")
    void theLastHundredMessagesAreKeptAndSentOnJoin() throws Exception {
        String room = "room-" + UUID.randomUUID();
        try (Member ada = join(room, "ada")) {
            ada.next();
            ada.next();
            for (int i = 1; i <= 105; i++) {
                ada.say("message " + i);
            }
            for (int i = 1; i <= 105; i++) {
                assertEquals("message " + i, ada.next().get("text").asText());
            }
            long sent = cairn().get(ChatRoom.class, room).call(r -> r.sentBy("ada"));
            assertEquals(105, sent, "ada's attachment counts what she sent");
            cairn().passIdleTimeout();
            try (Member carol = join(room, "carol")) {
                JsonNode history = carol.next();
                assertEquals(100, history.get("messages").size());
                assertEquals("message 6", history.get("messages").get(0).get("text").asText(), "the oldest kept");
                assertEquals("message 105", history.get("messages").get(99).get("text").asText(), "the newest");
                assertEquals("ada", history.get("messages").get(99).get("user").asText());
            }
        }
    }

    @Test
    @DisabledOnIntegrationTest("hibernates the room by moving the node's clock and asks the node whether it is active (in-process only)")
    void pingIsAnsweredWithoutWakingTheRoom() throws Exception {
        String room = "room-" + UUID.randomUUID();
        try (Member ada = join(room, "ada")) {
            ada.next();
            ada.next();
            var chat = cairn().get(ChatRoom.class, room);
            cairn().passIdleTimeout();
            ada.say("ping");
            assertEquals("pong", ada.nextRaw());
            assertFalse(cairn().isActive(chat));
            ada.say("still here");
            assertEquals("still here", ada.next().get("text").asText(), "the next real message wakes it");
            assertTrue(cairn().isActive(chat));
        }
    }

    @Test
    void badNamesAndDuplicatesAreRefusedAtUpgrade() throws Exception {
        String room = "room-" + UUID.randomUUID();
        var none = refused(room, null);
        assertEquals(400, none.getResponse().statusCode());
        assertTrue(none.getResponse().body().toString().contains("user must be 1 to 32 letters, digits, '_', '.' or '-'; add ?user=<name>"));
        var spaced = refused(room, "a b");
        assertEquals(400, spaced.getResponse().statusCode());
        assertTrue(spaced.getResponse().body().toString().contains("got 'a b'"));
        try (Member ada = join(room, "ada")) {
            ada.next();
            var twice = refused(room, "ada");
            assertEquals(409, twice.getResponse().statusCode());
            assertTrue(twice.getResponse().body().toString().contains("user 'ada' is already in this room; pick another name"));
        }
    }

    @Test
    void invalidMessagesAreRefusedToTheSenderOnly() throws Exception {
        String room = "room-" + UUID.randomUUID();
        try (Member ada = join(room, "ada"); Member bob = join(room, "bob")) {
            ada.next();
            ada.next();
            ada.next();
            bob.next();
            bob.next();
            ada.say("   ");
            assertEquals("a message has 1 to 2000 characters, got 0", ada.next().get("message").asText());
            ada.say("x".repeat(2001));
            assertEquals("a message has 1 to 2000 characters, got 2001", ada.next().get("message").asText());
            ada.say("{\"txt\": 1}");
            assertEquals("send plain text or {\"text\": \"...\"}", ada.next().get("message").asText());
            ada.ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1}), true).join();
            assertEquals("binary messages are not supported; send text", ada.next().get("message").asText());
            ada.say("ok");
            assertEquals("ok", bob.next().get("text").asText(), "bob saw none of the refused ones");
        }
    }
}
