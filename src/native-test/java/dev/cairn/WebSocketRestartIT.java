package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebSockets across real restarts of the packaged service (ChatRoom, namespace chat). */
class WebSocketRestartIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path data;

    /** A chat client: messages received, and the close frame. */
    static final class Client implements WebSocket.Listener {
        final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder part = new StringBuilder();
        WebSocket ws;

        static Client join(CairnProcess cairn, String room, String user) throws Exception {
            return join(cairn, "chat", room, user);
        }

        /** Joins {@code room} of {@code namespace}, whose class is {@code ChatRoom}. */
        static Client join(CairnProcess cairn, String namespace, String room, String user) throws Exception {
            Client c = new Client();
            c.ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(cairn.baseUri().replace("http", "ws")
                    + "/objects/" + namespace + "/" + room + "/ws?user=" + user), c).get(10, TimeUnit.SECONDS);
            return c;
        }

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
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }

        String next() throws InterruptedException {
            String m = received.poll(10, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no message within 10 s");
            }
            return m;
        }

        /** Waits for the message containing {@code fragment}. */
        String until(String fragment) throws InterruptedException {
            while (true) {
                String m = next();
                if (m.contains(fragment)) {
                    return m;
                }
            }
        }
    }

    private List<String[]> socketRows() throws Exception {
        List<Path> files;
        try (var walk = Files.walk(data.resolve("chat"))) {
            files = walk.filter(p -> p.toString().endsWith(".sqlite")).toList();
        }
        assertEquals(1, files.size(), "one room, one database");
        List<String[]> rows = new ArrayList<>();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + files.getFirst());
                var rs = c.createStatement().executeQuery("SELECT id, boot, tags, kind, attachment FROM _cairn_sockets ORDER BY id")) {
            while (rs.next()) {
                byte[] attachment = rs.getBytes(5);
                rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        attachment == null ? null : new String(attachment, java.nio.charset.StandardCharsets.UTF_8)});
            }
        }
        return rows;
    }

    @Test
    void aRestartClosesSocketsCleanlyAndKeepsTheRoom() throws Exception {
        try (var cairn = CairnProcess.start(data).awaitListening()) {
            Client ada = Client.join(cairn, "lobby", "ada");
            ada.until("\"join\"");
            ada.ws.sendText("before the restart", true).join();
            ada.until("before the restart");
            cairn.stop();
            assertEquals("1012 Cairn is restarting; reconnect later", ada.closed.get(10, TimeUnit.SECONDS),
                    "a clean close code saying to reconnect, not a dropped connection");
        }
        try (var cairn = CairnProcess.start(data).awaitListening()) {
            Client ada = Client.join(cairn, "lobby", "ada");
            String history = ada.next();
            assertTrue(history.contains("\"text\":\"before the restart\""), "the room's messages survived: " + history);
            cairn.stop();
        }
    }

    @Test
    void rowsOfSocketsLostInACrashAreCleanedUpByTheNextBoot() throws Exception {
        String firstBoot;
        try (var cairn = CairnProcess.start(data).awaitListening()) {
            Client ada = Client.join(cairn, "crash", "ada");
            ada.until("\"join\"");
            Client bob = Client.join(cairn, "crash", "bob");
            bob.until("\"join\"");
            ada.ws.sendText("hi bob", true).join();
            bob.until("hi bob"); // broadcast after the commit that counted ada's message in her attachment
            cairn.kill(); // no shutdown: the socket rows stay behind
        }
        List<String[]> stale = socketRows();
        assertEquals(2, stale.size());
        firstBoot = stale.getFirst()[1];
        assertEquals(firstBoot, stale.get(1)[1]);
        assertEquals("[\"user:ada\"]", stale.getFirst()[2]);
        assertEquals("0", stale.getFirst()[3], "the attachment is stored as JSON");
        assertTrue(stale.getFirst()[4].matches("\\{\"user\":\"ada\",\"joinedAt\":\\d+,\"sent\":1}"),
                "the row holds ada's committed attachment: " + stale.getFirst()[4]);
        assertTrue(stale.get(1)[4].matches("\\{\"user\":\"bob\",\"joinedAt\":\\d+,\"sent\":0}"), stale.get(1)[4]);
        try (var cairn = CairnProcess.start(data).awaitListening()) {
            Client carol = Client.join(cairn, "crash", "carol");
            String history = carol.next();
            assertTrue(history.contains("\"type\":\"history\""), history);
            assertTrue(carol.until("\"join\"").contains("\"members\":[\"carol\"]"), "nobody from before the crash is listed");
            cairn.kill();
        }
        List<String[]> rows = socketRows();
        assertEquals(1, rows.size(), "the stale rows are gone, carol's is there");
        assertNotEquals(firstBoot, rows.getFirst()[1]);
        assertEquals("[\"user:carol\"]", rows.getFirst()[2]);
        assertTrue(rows.getFirst()[4].matches("\\{\"user\":\"carol\",\"joinedAt\":\\d+,\"sent\":0}"), rows.getFirst()[4]);
    }
}
