package dev.cairn.sockets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.SocketProbe;
import dev.cairn.api.ObjectId;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** Hibernatable WebSockets end to end, with real clients against the running service. */
@QuarkusTest
class WebSocketTest {
    private static final String NS = "socket-probe";

    @TestHTTPResource("/")
    URI root;

    /** The running service's node, and its clock, which stands still until a test moves it. */
    private final CairnTestKit cairn = CairnTestKit.inQuarkus();

    private URI ws(String name, String query) {
        return URI.create("ws://" + root.getHost() + ":" + root.getPort() + "/objects/" + NS + "/" + name + "/ws"
                + (query.isEmpty() ? "" : "?" + query));
    }

    private static String room() {
        return "room-" + UUID.randomUUID();
    }

    private ObjectId objectId(String name) {
        return cairn.get(SocketProbe.class, name).id();
    }

    private String id(String name) {
        return objectId(name).toString();
    }

    private boolean isActive(String name) {
        return cairn.node().isActive(objectId(name));
    }

    /**
     * The bytes sent to the object's one socket tagged {@code tag} and not yet taken by the network,
     * read on demand; the supplier keeps following that socket after it closes.
     */
    private LongSupplier unsentBytes(String name, String tag) {
        SocketSet sockets = cairn.node().sockets().existing(objectId(name));
        List<SocketEntry> tagged = sockets == null ? List.of() : sockets.withTag(tag);
        assertEquals(1, tagged.size(), "open sockets tagged " + tag + " of " + name);
        return tagged.getFirst()::pendingOutBytes;
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
    void aTagHasAtMost256Characters() {
        String room = room();
        String longest = "t".repeat(256);
        try (WsClient c = WsClient.connect(ws(room, "name=long&tags=" + longest))) {
            assertEquals("welcome long [" + longest + "]", c.next(), "256 characters are accepted");
            assertEquals("count 1", c.ask("count"));
        }
        var refused = WsClient.refused(ws(room, "name=longer&tags=ok," + longest + "t"));
        assertEquals(500, refused.getResponse().statusCode());
        assertTrue(refused.getResponse().body().toString().contains("invalid tag of 257 characters: a tag has 1 to 256 characters"),
                refused.getResponse().body().toString());
        var empty = WsClient.refused(ws(room, "name=empty&tags=a,,b"));
        assertTrue(empty.getResponse().body().toString().contains("invalid tag of 0 characters: a tag has 1 to 256 characters"),
                empty.getResponse().body().toString());
    }

    @Test
    void aTagGivenTwiceCountsOnce() {
        String room = room();
        try (WsClient twice = WsClient.connect(ws(room, "name=twice&tags=red,blue,red"));
                WsClient eleven = WsClient.connect(ws(room, "name=eleven&tags=a,b,c,d,e,f,g,h,i,j,a"))) {
            assertEquals("welcome twice [red, blue]", twice.next(), "kept once, in the order first given");
            assertEquals("welcome eleven [a, b, c, d, e, f, g, h, i, j]", eleven.next(),
                    "11 tags with one repeated are 10 distinct ones: within the limit");
            eleven.send("tag red once");
            assertEquals("once", twice.next());
            assertEquals("echo only one copy arrived", twice.ask("echo echo only one copy arrived"),
                    "the socket is listed once under its tag");
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

            assertTrue(cairn.passIdleTimeout() >= 1);
            assertFalse(isActive(room), "hibernated: no live instance");
            assertEquals(2, cairn.node().sockets().openSockets(objectId(room)), "its sockets stay open and listed");
            var weak = SocketProbe.INSTANCES.get(id(room));
            before = null;
            for (int i = 0; i < 20 && weak.get() != null; i++) {
                System.gc();
            }
            assertNull(weak.get(), "the instance was dropped and collected");

            assertEquals("visitor Visitor[name=ada, messages=3]", a.ask("visit"), "the attachment survived hibernation");
            assertEquals(2, SocketProbe.CONSTRUCTIONS.get(id(room)).get(), "the message re-created the instance");
            assertTrue(isActive(room));
            assertEquals("count 2", b.ask("count"), "the socket list returns every open socket");
            assertEquals("tags [x]", a.ask("tags"), "with its tags");
            assertEquals("visitor Visitor[name=bob, messages=0]", b.ask("whoami"));
        }
    }

    @Test
    void noMessageIsLostOrReorderedAcrossHibernation() {
        String room = room();
        try (WsClient c = WsClient.connect(ws(room, "name=seq"))) {
            c.next();
            int sent = 0;
            for (int round = 0; round < 8; round++) {
                int from = sent + 1;
                for (int i = 0; i < 15; i++) { // within the mailbox (capacity 16 in tests)
                    c.send("append " + (++sent)); // a burst: the first message wakes the object, the rest queue behind it
                }
                for (int i = from; i <= sent; i++) {
                    assertEquals("ack " + i, c.next(), "replies in the order sent");
                }
                assertTrue(cairn.passIdleTimeout() >= 1);
                assertFalse(isActive(room));
            }
            String expected = "log " + String.join(",", java.util.stream.IntStream.rangeClosed(1, 120).mapToObj(Integer::toString).toList());
            assertEquals(expected, c.ask("log"), "every message was handled once, in order");
            assertEquals(9, SocketProbe.CONSTRUCTIONS.get(id(room)).get(), "the object was re-created after each of 8 hibernations");
        }
    }

    @Test
    void noMessageIsLostOrReorderedWhenTheObjectIsEvictedAsTheyArrive() {
        String room = room();
        try (WsClient c = WsClient.connect(ws(room, "name=race"))) {
            c.next();
            int sent = 0;
            for (int round = 0; round < 8; round++) {
                cairn.clock().advance(cairn.node().settings().idleTimeout().plusSeconds(1));
                cairn.sweep(); // evicts the idle object without waiting: its database is still closing as the burst arrives
                int from = sent + 1;
                for (int i = 0; i < 15; i++) { // within the mailbox (capacity 16 in tests)
                    c.send("append " + (++sent));
                    cairn.sweep(); // a pass racing each message, as the housekeeper's may
                }
                for (int i = from; i <= sent; i++) {
                    assertEquals("ack " + i, c.next(), "replies in the order sent");
                }
            }
            String expected = "log " + String.join(",", java.util.stream.IntStream.rangeClosed(1, 120).mapToObj(Integer::toString).toList());
            assertEquals(expected, c.ask("log"), "every message was handled once, in order");
            assertEquals(9, SocketProbe.CONSTRUCTIONS.get(id(room)).get(),
                    "evicted once per round, before its burst; never while it had messages to handle");
        }
    }

    @Test
    void theAutoResponseIsAnsweredWithoutWakingTheObject() {
        String room = room();
        try (WsClient a = WsClient.connect(ws(room, "name=a")); WsClient b = WsClient.connect(ws(room, "name=b"))) {
            a.next();
            b.next();
            assertEquals("autoresponse set", a.ask("autoresponse ping pong"));
            cairn.passIdleTimeout();
            long before = cairn.clock().millis();

            assertEquals("pong", a.ask("ping"));
            assertEquals("pong", b.ask("ping"), "for every socket of the object");
            assertFalse(isActive(room), "answered while the object stays hibernated");
            assertEquals(1, SocketProbe.CONSTRUCTIONS.get(id(room)).get());

            assertEquals("unknown command: ping ", a.ask("ping "), "only the exact request is answered automatically");
            String at = a.ask("autoresponse-at");
            long millis = Long.parseLong(at.substring("autoresponse-at ".length()));
            assertTrue(millis >= before && millis <= cairn.clock().millis(), "the time of the last auto-response is readable: " + at);
            assertEquals(2, SocketProbe.CONSTRUCTIONS.get(id(room)).get());
        }
        try (WsClient fresh = WsClient.connect(ws(room, "name=c"))) {
            fresh.next();
            assertEquals("autoresponse-at never", fresh.ask("autoresponse-at"), "a socket never answered has no time");
        }
    }

    @Test
    void aClientCloseReachesTheObjectWithItsCodeAndTheHandshakeCompletes() {
        String room = room();
        try (WsClient ada = WsClient.connect(ws(room, "name=ada")); WsClient bob = WsClient.connect(ws(room, "name=bob"))) {
            ada.next();
            bob.next();
            ada.close(4001, "bye");
            assertEquals(new WsClient.Close(4001, "bye"), ada.awaitClose(), "Cairn answered the close frame with the same code");
            assertEquals("left ada 4001", bob.next(), "the object's onClose ran and could reach the others");
            assertEquals("count 1", bob.ask("count"), "the closed socket is no longer listed");
            assertTrue(SocketProbe.events(id(room)).contains("close ada 4001 bye true"), SocketProbe.events(id(room)).toString());
        }
    }

    @Test
    void anObjectCloseReachesTheClientWithItsCodeAndReason() {
        String room = room();
        try (WsClient ada = WsClient.connect(ws(room, "name=ada")); WsClient bob = WsClient.connect(ws(room, "name=bob"))) {
            ada.next();
            bob.next();
            ada.send("close 4002 done here");
            assertEquals(new WsClient.Close(4002, "done here"), ada.awaitClose());
            assertEquals("count 1", bob.ask("count"));
            assertTrue(SocketProbe.events(id(room)).isEmpty(), "no onClose for a close the object made itself");
        }
    }

    @Test
    void aDroppedConnectionIsReportedAsUnclean() {
        String room = room();
        try (WsClient ada = WsClient.connect(ws(room, "name=ada")); WsClient bob = WsClient.connect(ws(room, "name=bob"))) {
            ada.next();
            bob.next();
            ada.abort();
            assertEquals("left ada 1006", bob.next());
            assertTrue(SocketProbe.events(id(room)).contains("close ada 1006  false"), SocketProbe.events(id(room)).toString());
        }
    }

    @Test
    void anInvalidCloseFromTheObjectFailsItsEventAndCairnClosesWith1011() {
        try (WsClient c = WsClient.connect(ws(room(), "name=x"))) {
            c.next();
            c.send("close 1005 reserved");
            assertEquals(new WsClient.Close(1011, "object error: close code 1005 is not allowed; use 1000, 1001-1003, 1007-1014 or 3000-4999"),
                    c.awaitClose());
        }
    }

    @Test
    void aMessageOverTheSizeLimitClosesWith1009() throws Exception {
        int limit = 32 << 20; // the default, 32 MiB
        String room = room();
        String reason = "message too big: at most 33554432 bytes (cairn.websockets.max-message-size)";
        try (RawWsClient one = new RawWsClient(ws(room, "name=frame")); RawWsClient parts = new RawWsClient(ws(room, "name=parts"))) {
            assertEquals("welcome frame []", one.read().text());
            assertEquals("welcome parts []", parts.read().text());

            one.frame(1, true, new byte[limit + 1]); // one frame over the limit
            RawWsClient.Frame close = one.awaitClose();
            assertEquals(1009, close.closeCode());
            assertEquals(reason, close.closeReason());

            byte[] half = new byte[limit / 2 + 1];
            parts.frame(1, false, half); // two frames, each under the limit, together over it
            parts.frame(0, true, half);
            close = parts.awaitClose();
            assertEquals(1009, close.closeCode());
            assertEquals(reason, close.closeReason());
        }
        try (WsClient probe = WsClient.connect(ws(room, "name=after"))) {
            probe.next();
            assertEquals("count 1", probe.ask("count"), "both oversized senders are gone");
        }
        var events = SocketProbe.events(id(room));
        assertEquals(2, events.stream().filter(e -> e.equals("error " + reason)).count(), "the object's onError saw both: " + events);
    }

    @Test
    void aMessageExactlyAtTheLimitIsDelivered() throws Exception {
        try (RawWsClient c = new RawWsClient(ws(room(), "name=big"))) {
            c.read();
            byte[] message = new byte[32 << 20];
            byte[] verb = "length ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.util.Arrays.fill(message, (byte) 'z');
            System.arraycopy(verb, 0, message, 0, verb.length);
            c.frame(1, true, message);
            assertEquals("length " + message.length, c.read().text());
        }
    }

    @Test
    void anObjectSendingOverTheSizeLimitFailsItsEvent() {
        String room = room();
        try (WsClient text = WsClient.connect(ws(room, "name=text")); WsClient binary = WsClient.connect(ws(room, "name=binary"))) {
            text.next();
            binary.next();
            text.send("send-utf8 16777217"); // 16,777,217 characters but 33,554,434 bytes: the limit counts UTF-8 bytes
            assertEquals(new WsClient.Close(1011,
                    "object error: message of 33554434 bytes; at most 33554432 (cairn.websockets.max-message-size)"), text.awaitClose());
            binary.send("send-bytes 33554433");
            assertEquals(new WsClient.Close(1011,
                    "object error: message of 33554433 bytes; at most 33554432 (cairn.websockets.max-message-size)"), binary.awaitClose());
            assertTrue(text.texts.isEmpty() && binary.binaries.isEmpty(), "nothing of either event was sent");
        }
    }

    @Test
    void anObjectMaySendAMessageExactlyAtTheLimit() {
        try (WsClient c = WsClient.connect(ws(room(), "name=big"))) {
            c.next();
            c.send("send-bytes 33554432");
            assertEquals(32 << 20, c.nextBinary().length);
            assertEquals("still open", c.ask("echo still open"));
        }
    }

    @Test
    void theObjectRejectsAnUpgradeWithItsStatusAndReason() {
        String room = room();
        var refused = WsClient.refused(ws(room, "name=eve&reject=403"));
        assertEquals(403, refused.getResponse().statusCode());
        assertEquals(Optional.of("application/problem+json"), refused.getResponse().headers().firstValue("content-type"));
        assertEquals("{\"type\":\"https://cairn.dev/problems/upgrade-refused\",\"title\":\"WebSocket upgrade refused\","
                + "\"status\":403,\"detail\":\"no entry for eve\",\"instance\":\"/objects/" + NS + "/" + room + "/ws\","
                + "\"retryable\":false,\"overloaded\":false,\"remote\":true}", refused.getResponse().body());
    }

    @Test
    void badUpgradesAreRefusedSayingWhatIsWrong() {
        String base = "ws://" + root.getHost() + ":" + root.getPort();
        var unknown = WsClient.refused(URI.create(base + "/objects/nope/x/ws"));
        assertEquals(404, unknown.getResponse().statusCode());
        assertTrue(unknown.getResponse().body().toString().contains("unknown namespace 'nope'"), unknown.getResponse().body().toString());

        var noHandler = WsClient.refused(URI.create(base + "/objects/probe/x/ws"));
        assertEquals(404, noHandler.getResponse().statusCode());
        assertTrue(noHandler.getResponse().body().toString().contains(
                "objects of namespace 'probe' (Probe) accept no WebSockets: the class does not implement WebSocketHandler"));

        var badId = WsClient.refused(URI.create(base + "/ids/" + NS + "/not-an-id/ws"));
        assertEquals(400, badId.getResponse().statusCode());

        var tooManyTags = WsClient.refused(ws(room(), "tags=a,b,c,d,e,f,g,h,i,j,k"));
        assertEquals(500, tooManyTags.getResponse().statusCode());
        assertTrue(tooManyTags.getResponse().body().toString().contains("11 tags given; a socket has at most 10"),
                tooManyTags.getResponse().body().toString());

        var bigAttachment = WsClient.refused(ws(room(), "attach=big"));
        assertEquals(500, bigAttachment.getResponse().statusCode());
        assertTrue(bigAttachment.getResponse().body().toString().contains(
                "attachment of 20002 bytes encoded; at most 16384 (cairn.websockets.max-attachment-size)"),
                bigAttachment.getResponse().body().toString());
    }

    @Test
    void objectsAreAlsoReachableByUniqueId() {
        String id = io.restassured.RestAssured.given().post("/objects/" + NS).then().statusCode(200).extract().path("id");
        try (WsClient c = WsClient.connect(URI.create("ws://" + root.getHost() + ":" + root.getPort() + "/ids/" + NS + "/" + id + "/ws?name=u"))) {
            assertEquals("welcome u []", c.next());
            assertEquals("hi", c.ask("echo hi"));
        }
    }

    @Test
    void whatAFailingEventSentIsNeverDeliveredAndItsWritesRollBack() {
        String room = room();
        try (WsClient thrower = WsClient.connect(ws(room, "name=t")); WsClient other = WsClient.connect(ws(room, "name=o"))) {
            thrower.next();
            other.next();
            thrower.send("throw now");
            assertEquals(new WsClient.Close(1011, "object error: refusing now"), thrower.awaitClose());
            assertTrue(thrower.texts.isEmpty(), "the send made before the throw was discarded: " + thrower.texts);
            assertEquals("left t 1011", other.next());
            assertEquals("log ", other.ask("log"), "the event's write was rolled back");
        }
    }

    @Test
    void anAttachmentOverItsLimitFailsTheEvent() {
        try (WsClient c = WsClient.connect(ws(room(), "name=a"))) {
            c.next();
            c.send("attach-bytes 16385");
            assertEquals(new WsClient.Close(1011, "object error: attachment of 16385 bytes encoded; at most 16384 (cairn.websockets.max-attachment-size)"),
                    c.awaitClose());
        }
        try (WsClient c = WsClient.connect(ws(room(), "name=b"))) {
            c.next();
            assertEquals("attached", c.ask("attach-bytes 16384"), "exactly at the limit is fine");
        }
    }

    @Test
    void anObjectThatSetsNoEventTimeoutGetsThirtySeconds() {
        try (WsClient c = WsClient.connect(ws(room(), "name=t"))) {
            c.next();
            assertEquals("event-timeout 30000", c.ask("event-timeout"), "cairn.websockets.event-timeout's default");
            assertEquals("event-timeout 200", c.ask("event-timeout 200"));
            assertEquals("event-timeout 30000", c.ask("event-timeout default"), "clearing its own brings the default back");
        }
    }

    @Test
    void anEventPastItsTimeoutClosesItsSocketAndIsRolledBack() {
        String room = room();
        try (WsClient slow = WsClient.connect(ws(room, "name=s")); WsClient other = WsClient.connect(ws(room, "name=o"))) {
            slow.next();
            other.next();
            assertEquals("event-timeout 200", slow.ask("event-timeout 200"));
            slow.send("sleep 1000");
            assertEquals(new WsClient.Close(1011, "event timed out after 200 ms (cairn.websockets.event-timeout)"), slow.awaitClose());
            assertEquals("left s 1011", other.next());
            assertEquals("log ", other.ask("log"), "the timed-out event's write was rolled back");
            assertTrue(slow.texts.isEmpty(), "and what it sent was dropped: " + slow.texts);
        }
    }

    @Test
    void aFullMailboxClosesTheSocketWith1013InsteadOfDroppingMessages() {
        String room = room();
        try (WsClient c = WsClient.connect(ws(room, "name=busy"))) {
            c.next();
            c.send("sleep 300"); // keeps the object busy while the next messages queue up (capacity 16 in tests)
            int sent = 0;
            while (sent < 40 && c.sendUnlessClosed("echo " + sent)) { // the close may come before the last is sent
                sent++;
            }
            WsClient.Close close = c.awaitClose();
            assertEquals(1013, close.code());
            assertTrue(close.reason().startsWith("message not delivered: Too many requests queued"), close.reason());
        }
    }

    @Test
    void aClientThatDoesNotReadIsClosedWith1008AndItsUnsentBytesStayBounded() {
        String room = room();
        int bound = 1 << 20; // cairn.websockets.max-outbound-buffer
        int chunk = 256 << 10;
        try (WsClient slow = WsClient.connect(ws(room, "name=slow&tags=slow"), true); WsClient fast = WsClient.connect(ws(room, "name=fast"))) {
            fast.next();
            assertEquals("count 2", fast.ask("count"));
            LongSupplier unsent = unsentBytes(room, "slow");
            for (int i = 0; i < 128; i++) { // 32 MiB toward each, one broadcast event at a time
                assertEquals(chunk, fast.ask("flood-all " + chunk).length(), "the client that reads gets every broadcast");
                long waiting = unsent.getAsLong();
                assertTrue(waiting <= bound + chunk, "round " + i + ": " + waiting + " bytes wait for the slow client, more than "
                        + bound + " and one message");
            }
            assertEquals("count 1", fast.ask("count"), "the slow one is no longer listed; the reader stays");

            slow.resume(); // the close frame waits behind what was unsent: the close completes once the client reads
            WsClient.Close close = slow.awaitClose();
            assertEquals(1008, close.code());
            assertTrue(close.reason().startsWith("client too slow: over 1048576 bytes unsent"), close.reason());
            long delivered = slow.texts.stream().filter(t -> t.length() == chunk).count();
            assertTrue(delivered < 128, "not everything was sent: " + delivered);
            assertEquals("left slow 1008", fast.next(), "the object's onClose saw why");
        }
    }

    @Test
    void oneEventMaySendAtMostTheOutboundBoundToOneSocket() {
        try (WsClient c = WsClient.connect(ws(room(), "name=many"))) {
            c.next();
            c.send("flood 4 262144"); // exactly 1 MiB (cairn.websockets.max-outbound-buffer)
            for (int i = 0; i < 4; i++) {
                assertEquals(262144, c.next().length());
            }
            c.send("flood 1 2097152");
            assertEquals(2097152, c.next().length(), "one larger message is sent on its own");
            c.send("flood 5 262144");
            assertEquals(new WsClient.Close(1011, "object error: sends of 1310720 bytes to one socket in one event; at most 1048576"
                    + " (cairn.websockets.max-outbound-buffer)"), c.awaitClose(), "the fifth send failed the event");
            assertTrue(c.texts.isEmpty(), "none of its sends left: " + c.texts.size());
        }
    }

    @Test
    void anObjectAcceptsAtMostItsSocketLimit() {
        String room = room();
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) { // cairn.websockets.max-sockets-per-object=50 in tests
                WsClient c = WsClient.connect(ws(room, "name=m" + i));
                c.next();
                clients.add(c);
            }
            var refused = WsClient.refused(ws(room, "name=one-more"));
            assertEquals(429, refused.getResponse().statusCode());
            assertTrue(refused.getResponse().body().toString().contains(
                    "object has 50 open sockets, the most allowed (cairn.websockets.max-sockets-per-object)"));
            clients.removeFirst().close(1000, "");
            assertEquals("left m0 1000", clients.getFirst().next(), "the object saw the close");
            assertEquals("count 49", clients.getFirst().ask("count"));
            try (WsClient again = WsClient.connect(ws(room, "name=again"))) {
                assertEquals("welcome again []", again.next(), "room again once a socket closed");
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void aFailingEventInABatchDropsOnlyItsOwnSends() {
        try (WsClient c = WsClient.connect(ws(room(), "name=batch"))) {
            c.next();
            c.send("sleep 1000"); // the next three queue up meanwhile and run as one batch with one commit (300 ms was once too short in CI)
            c.send("echo a");
            c.send("throw b");
            c.send("echo c");
            assertEquals("woke", c.next());
            assertEquals("a", c.next());
            assertEquals("c", c.next(), "the events around the failing one kept their sends");
            assertEquals(new WsClient.Close(1011, "object error: refusing b"), c.awaitClose());
            assertTrue(c.texts.isEmpty(), "nothing of the failing event was sent: " + c.texts);
        }
    }

    @Test
    void anAttachmentWrittenByAFailedEventIsRolledBack() {
        String room = room();
        try (WsClient ada = WsClient.connect(ws(room, "name=ada")); WsClient bob = WsClient.connect(ws(room, "name=bob"))) {
            ada.next();
            bob.next();
            ada.send("rename-then-throw mallory");
            assertEquals(1011, ada.awaitClose().code());
            assertEquals("left ada 1011", bob.next(), "onClose still reads the committed attachment, not the rolled-back one");
        }
    }

    @Test
    void aCloseFrameWithoutCodeIsACleanNormalClose() throws Exception {
        String room = room();
        try (RawWsClient raw = new RawWsClient(ws(room, "name=quiet")); WsClient bob = WsClient.connect(ws(room, "name=bob"))) {
            assertEquals("welcome quiet []", raw.read().text());
            bob.next();
            raw.frame(8, true, new byte[0]); // what a browser's ws.close() sends: no status code
            assertEquals(8, raw.awaitClose().opcode(), "the close was answered");
            assertEquals("left quiet 1000", bob.next(), "Vert.x reads a close frame without a code as 1000");
            assertTrue(SocketProbe.events(id(room)).contains("close quiet 1000  true"), SocketProbe.events(id(room)).toString());
        }
    }

    @Test
    void theUpgradeHandlerSeesPathQueryAndHeaders() throws Exception {
        String room = room();
        var refused = WsClient.HTTP.newWebSocketBuilder().header("X-Probe-Token", "guess")
                .buildAsync(ws(room, "name=x"), new java.net.http.WebSocket.Listener() {});
        var failure = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> refused.get(10, java.util.concurrent.TimeUnit.SECONDS));
        var response = ((java.net.http.WebSocketHandshakeException) failure.getCause()).getResponse();
        assertEquals(401, response.statusCode());
        assertTrue(response.body().toString().contains("wrong token for /objects/" + NS + "/" + room + "/ws"), response.body().toString());

        var accepted = WsClient.HTTP.newWebSocketBuilder().header("X-Probe-Token", "open sesame")
                .buildAsync(ws(room, "name=y"), new java.net.http.WebSocket.Listener() {}).get(10, java.util.concurrent.TimeUnit.SECONDS);
        accepted.abort();
    }
}
