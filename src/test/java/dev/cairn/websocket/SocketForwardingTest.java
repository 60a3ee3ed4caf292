package dev.cairn.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.sockets.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSockets to an object of another node go through this node: the service ("n1") places sockets
 * of objects named {@code far-…} on "n2", here a plain Vert.x WebSocket server standing in for the
 * owner (it echoes text, reverses binary, closes on request, refuses on request and reports what it
 * saw); real clients connect to the service. A cluster of real nodes: the cluster integration tests.
 */
@QuarkusTest
@TestProfile(SocketForwardingTest.Far.class)
class SocketForwardingTest {
    /** Selects {@link FarSockets}: its placement and addresses replace the single node's. */
    public static class Far implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(FarSockets.class);
        }
    }

    @TestHTTPResource("/")
    URI service;
    /** The stand-in owner's own Vert.x (a server on the service's would count in its HTTP metrics). */
    private Vertx vertx;
    private HttpServer owner;
    /** What the owner saw: "upgrade <path?query> <forwarded-by> <x-token>", "close <code> <reason>". */
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    @BeforeEach
    void startOwner() throws Exception {
        vertx = Vertx.vertx();
        owner = vertx.createHttpServer().requestHandler(request -> {
            seen.add("upgrade " + request.uri() + " " + request.getHeader("Cairn-Forwarded-By") + " " + request.getHeader("X-Token"));
            String reject = request.getParam("reject");
            if (reject != null) {
                request.response().setStatusCode(Integer.parseInt(reject)).putHeader("Content-Type", "application/problem+json")
                        .end("{\"status\":" + reject + ",\"detail\":\"no entry\"}");
                return;
            }
            request.toWebSocket().onSuccess(this::serve);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        FarSockets.n2 = URI.create("http://127.0.0.1:" + owner.actualPort());
        try (ServerSocket s = new ServerSocket(0)) {
            FarSockets.n3 = URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }

    private void serve(ServerWebSocket ws) {
        ws.writeTextMessage("welcome");
        ws.textMessageHandler(text -> {
            if (text.startsWith("close ")) {
                String[] w = text.split(" ", 3);
                ws.close(Short.parseShort(w[1]), w[2]);
            } else {
                ws.writeTextMessage("echo " + text);
            }
        });
        ws.binaryMessageHandler(bytes -> {
            byte[] b = bytes.getBytes();
            byte[] reversed = new byte[b.length];
            for (int i = 0; i < b.length; i++) {
                reversed[i] = b[b.length - 1 - i];
            }
            ws.writeBinaryMessage(Buffer.buffer(reversed));
        });
        ws.closeHandler(v -> seen.add("close " + ws.closeStatusCode() + " " + ws.closeReason()));
    }

    @AfterEach
    void stopOwner() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private URI ws(String path) {
        return URI.create("ws://" + service.getHost() + ":" + service.getPort() + path);
    }

    private String next() throws InterruptedException {
        String s = seen.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("the owner saw nothing within 10 s");
        }
        return s;
    }

    @Test
    void messagesFlowBothWaysThroughTheNodeThatDoesNotOwnTheObject() throws Exception {
        String name = "far-" + UUID.randomUUID();
        try (WsClient client = WsClient.connect(ws("/objects/chat/" + name + "/ws?name=ada&x=%20y"))) {
            assertEquals("welcome", client.next());
            assertEquals("upgrade /objects/chat/" + name + "/ws?name=ada&x=%20y n1 null", next(),
                    "the owner gets the same path and query, marked as forwarded by n1");
            client.send("hello");
            assertEquals("echo hello", client.next());
            client.send(new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {3, 2, 1}, client.nextBinary());
            String big = "x".repeat(60_000);
            client.send(big);
            assertEquals("echo " + big, client.next());
        }
    }

    @Test
    void theClientsHeadersReachTheOwner() throws Exception {
        String name = "far-" + UUID.randomUUID();
        var socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder().header("X-Token", "t1")
                .buildAsync(ws("/objects/chat/" + name + "/ws"), new java.net.http.WebSocket.Listener() {}).get(10, TimeUnit.SECONDS);
        assertEquals("upgrade /objects/chat/" + name + "/ws n1 t1", next());
        socket.abort();
    }

    @Test
    void theOwnersCloseReachesTheClientWithItsCodeAndReason() throws Exception {
        try (WsClient client = WsClient.connect(ws("/objects/chat/far-" + UUID.randomUUID() + "/ws"))) {
            assertEquals("welcome", client.next());
            client.send("close 4001 room closed");
            assertEquals(new WsClient.Close(4001, "room closed"), client.awaitClose());
        }
    }

    @Test
    void theClientsCloseReachesTheOwnerWithItsCodeAndReason() throws Exception {
        try (WsClient client = WsClient.connect(ws("/objects/chat/far-" + UUID.randomUUID() + "/ws"))) {
            assertEquals("welcome", client.next());
            next(); // the upgrade
            client.close(4002, "bye now");
            assertEquals("close 4002 bye now", next());
        }
    }

    /**
     * A TCP hop to the stand-in owner that the test can cut, as the death of the owner's process ends
     * its connections: without a close frame. An accepting thread and two copying threads per connection
     * share the list of sockets (thread-safe); the test thread closes them.
     */
    private static final class Hop implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Hop(int ownerPort) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket client = server.accept();
                        Socket owner = new Socket(InetAddress.getLoopbackAddress(), ownerPort);
                        sockets.add(client);
                        sockets.add(owner);
                        Thread.ofVirtual().start(() -> copy(client, owner));
                        Thread.ofVirtual().start(() -> copy(owner, client));
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort());
        }

        private static void copy(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException e) {
                // cut
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** The owner's node died or was cut off: its objects move, so the client is told to reconnect (1012), as on a move. */
    @Test
    void anOwnersConnectionThatEndsWithoutACloseClosesTheClientWith1012() throws Exception {
        try (Hop hop = new Hop(owner.actualPort())) {
            FarSockets.n2 = hop.uri();
            try (WsClient client = WsClient.connect(ws("/objects/chat/far-" + UUID.randomUUID() + "/ws"))) {
                assertEquals("welcome", client.next());
                hop.close();
                assertEquals(new WsClient.Close(1012, "the object's node went away; reconnect"), client.awaitClose());
            }
        }
    }

    @Test
    void aClientsConnectionThatDropsWithoutACloseClosesTheOwnersWith1001() throws Exception {
        try (WsClient client = WsClient.connect(ws("/objects/chat/far-" + UUID.randomUUID() + "/ws"))) {
            assertEquals("welcome", client.next());
            next(); // the upgrade
            client.abort();
            assertEquals("close 1001 the client went away", next());
        }
    }

    @Test
    void anUpgradeTheOwnerRefusesIsAnsweredWithItsStatusAndBody() throws Exception {
        WebSocketHandshakeException refused = WsClient.refused(ws("/objects/chat/far-" + UUID.randomUUID() + "/ws?reject=403"));
        assertEquals(403, refused.getResponse().statusCode());
        assertEquals("{\"status\":403,\"detail\":\"no entry\"}", refused.getResponse().body());
        assertEquals("application/problem+json", refused.getResponse().headers().firstValue("content-type").orElseThrow());
    }

    @Test
    void anOwnerThatCannotBeReachedIsA503NamingIt() {
        WebSocketHandshakeException refused = WsClient.refused(ws("/objects/chat/far-n3-" + UUID.randomUUID() + "/ws"));
        assertEquals(503, refused.getResponse().statusCode());
        String body = String.valueOf(refused.getResponse().body());
        assertTrue(body.contains("https://cairn.dev/problems/owner-unreachable") && body.contains("node n3 (" + FarSockets.n3 + ")"), body);
    }

    @Test
    void anUpgradeAlreadyForwardedIsNeverForwardedAgain() throws Exception {
        String name = "far-" + UUID.randomUUID();
        var request = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder().header("Cairn-Forwarded-By", "n9")
                .buildAsync(ws("/objects/chat/" + name + "/ws"), new java.net.http.WebSocket.Listener() {});
        var failure = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> request.get(10, TimeUnit.SECONDS));
        var refused = (WebSocketHandshakeException) failure.getCause();
        assertEquals(503, refused.getResponse().statusCode());
        assertTrue(String.valueOf(refused.getResponse().body()).contains("already forwarded by node n9"));
        assertTrue(seen.isEmpty(), "the owner saw nothing: " + seen);
    }

    @Test
    void anObjectThatLivesHereIsServedHere() {
        try (WsClient client = WsClient.connect(ws("/objects/socket-probe/near-" + UUID.randomUUID() + "/ws?name=bo"))) {
            assertEquals("welcome bo []", client.next());
        }
        assertTrue(seen.isEmpty(), "the owner saw nothing: " + seen);
    }
}
