package dev.cairn.sockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.ManualClock;
import dev.cairn.SocketProbe;
import dev.cairn.engine.TestAccess;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Hibernatable WebSockets end to end, with real clients against the running service. */
@QuarkusTest
class WebSocketTest {
    private static final String NS = "socket-probe";

    @TestHTTPResource("/")
    URI root;

    @Inject
    ManualClock clock;

    private URI ws(String name, String query) {
        return URI.create("ws://" + root.getHost() + ":" + root.getPort() + "/objects/" + NS + "/" + name + "/ws"
                + (query.isEmpty() ? "" : "?" + query));
    }

    private static String room() {
        return "room-" + UUID.randomUUID();
    }

    private static String id(String name) {
        return TestAccess.idFromName(NS, name);
    }

    @Test
    void aBroadcastReachesEveryClientOfTheObjectAndNoOtherObject() {
        String room = room();
        List<WsClient> clients = new ArrayList<>();
        try (WsClient elsewhere = WsClient.connect(ws(room(), "name=other"))) {
            assertEquals("welcome other []", elsewhere.next());
            for (int i = 0; i < 40; i++) {
                WsClient c = WsClient.connect(ws(room, "name=c" + i));
                assertEquals("welcome c" + i + " []", c.next());
                clients.add(c);
            }
            assertEquals("count 40", clients.get(7).ask("count"));
            clients.get(3).send("broadcast hello all");
            for (WsClient c : clients) {
                assertEquals("hello all", c.next(), "every client of the object gets the broadcast, the sender too");
            }
            assertEquals("echo still here", elsewhere.ask("echo echo still here"), "nothing reached another object's client");
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void tagsSelectSocketsAndAreReadable() {
        String room = room();
        try (WsClient red = WsClient.connect(ws(room, "name=r&tags=red,warm"));
                WsClient blue = WsClient.connect(ws(room, "name=b&tags=blue"));
                WsClient both = WsClient.connect(ws(room, "name=rb&tags=red,blue"))) {
            assertEquals("welcome r [red, warm]", red.next());
            assertEquals("welcome b [blue]", blue.next());
            assertEquals("welcome rb [red, blue]", both.next());
            blue.send("tag red to the reds");
            assertEquals("to the reds", red.next());
            assertEquals("to the reds", both.next());
            red.send("tag blue to the blues");
            assertEquals("to the blues", blue.next());
            assertEquals("to the blues", both.next());
            assertEquals("echo nothing else arrived", red.ask("echo echo nothing else arrived"));
            assertEquals("echo nothing else arrived", blue.ask("echo echo nothing else arrived"));
            assertEquals("tags [red, warm]", red.ask("tags"));
        }
    }

    @Test
    void binaryMessagesRoundTrip() {
        try (WsClient c = WsClient.connect(ws(room(), "name=bin"))) {
            c.next();
            c.send(new byte[] {1, 2, 3, 4});
            assertArrayEquals(new byte[] {4, 3, 2, 1}, c.nextBinary());
        }
    }

    @Test
    void theInstanceIsDroppedWhileSocketsStayOpenAndComesBackForTheNextMessage() {
        String room = room();
        try (WsClient a = WsClient.connect(ws(room, "name=ada&tags=x")); WsClient b = WsClient.connect(ws(room, "name=bob"))) {
            a.next();
            b.next();
            assertEquals("visitor Visitor[name=ada, messages=1]", a.ask("visit"));
            assertEquals("visitor Visitor[name=ada, messages=2]", a.ask("visit"));
            assertEquals(1, SocketProbe.CONSTRUCTIONS.get(id(room)).get());
            SocketProbe before = SocketProbe.INSTANCES.get(id(room)).get();

            assertTrue(TestAccess.evictIdle(clock) >= 1);
            assertFalse(TestAccess.isActive(NS, room), "hibernated: no live instance");
            assertEquals(2, TestAccess.openSockets(NS, room), "its sockets stay open and listed");
            var weak = SocketProbe.INSTANCES.get(id(room));
            before = null;
            for (int i = 0; i < 20 && weak.get() != null; i++) {
                System.gc();
            }
            assertNull(weak.get(), "the instance was dropped and collected");

            assertEquals("visitor Visitor[name=ada, messages=3]", a.ask("visit"), "the attachment survived hibernation");
            assertEquals(2, SocketProbe.CONSTRUCTIONS.get(id(room)).get(), "the message re-created the instance");
            assertTrue(TestAccess.isActive(NS, room));
            assertEquals("count 2", b.ask("count"), "the socket list returns every open socket");
            assertEquals("tags [x]", a.ask("tags"), "with its tags");
            assertEquals("visitor Visitor[name=bob, messages=0]", b.ask("whoami"));
        }
    }
}
