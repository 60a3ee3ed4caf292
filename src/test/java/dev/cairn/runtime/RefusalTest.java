package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.Refusal;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Object code refuses a request with {@link Refusal}: the event's writes are rolled back (and only
 * its own), the instance is kept, and the caller gets the refusal itself, also through another object.
 */
class RefusalTest {
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("scratch", Scratch.class)
            .namespace("shelf", Shelf.class).freshPerTest().build();

    /** An object whose constructor creates its table, as most objects do. */
    public static final class Shelf {
        final dev.cairn.api.SqlStorage sql;

        public Shelf(dev.cairn.api.ObjectContext ctx) {
            sql = ctx.storage().sql();
            sql.exec("CREATE TABLE IF NOT EXISTS item (name TEXT PRIMARY KEY)");
        }
    }

    @Test
    void aRefusalOfAnActivationsFirstEventRollsBackTheConstructorToo() {
        Stub<Shelf> shelf = cairn.get(Shelf.class, "new");
        assertThrows(Refusal.class, () -> shelf.call(s -> { throw Refusal.notFound("nothing on this shelf yet"); }));

        shelf.call(s -> s.sql.exec("INSERT INTO item VALUES ('cup')").rowsWritten());
        assertEquals(1L, (long) shelf.call(s -> s.sql.exec("SELECT count(*) AS n FROM item").one().getLong("n")),
                "the constructor ran again: its table exists");
    }

    private static void createTable(Scratch s) {
        s.ctx.storage().sql().exec("CREATE TABLE IF NOT EXISTS w (k INTEGER PRIMARY KEY)");
    }

    private static List<Long> rows(Scratch s) {
        return s.ctx.storage().sql().exec("SELECT k FROM w ORDER BY k").toList().stream().map(r -> r.getLong("k")).toList();
    }

    private static int constructions(Stub<Scratch> object) {
        return Scratch.CONSTRUCTIONS.get(object.id().toString()).get();
    }

    @Test
    void theCallerGetsTheRefusalWithItsStatusAndMessage() {
        Stub<Scratch> object = cairn.get(Scratch.class, "refusing");
        var refused = assertThrows(Refusal.class, () -> object.call(s -> { throw Refusal.conflict("seat 12 is already booked"); }));
        assertEquals(Refusal.Status.CONFLICT, refused.status());
        assertEquals(409, refused.status().code());
        assertEquals("seat 12 is already booked", refused.getMessage());
        assertTrue(refused.remote());
        assertFalse(refused.retryable());
        assertTrue(Refusal.tooManyRequests("slow down").retryable(), "only a 429 is worth sending again");

        var sent = assertThrows(CompletionException.class,
                () -> object.send(s -> { throw Refusal.notFound("no seat 99"); }).toCompletableFuture().join());
        assertEquals(Refusal.Status.NOT_FOUND, assertInstanceOf(Refusal.class, sent.getCause()).status(),
                "send's stage fails with the refusal itself, not an ObjectException");
    }

    @Test
    void aRefusalRollsBackOnlyItsOwnEventsWritesAndKeepsTheInstance() throws Exception {
        Stub<Scratch> object = cairn.get(Scratch.class, "batch");
        object.call(s -> {
            createTable(s);
            s.inMemory = 7;
            return null;
        });
        int constructed = constructions(object);
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = object.send(s -> s.hold(started, release));
        started.await();
        List<CompletableFuture<Long>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) { // queued behind the held call: they run as one batch
            long k = i;
            calls.add(object.send(s -> {
                s.ctx.storage().sql().exec("INSERT INTO w VALUES (?)", k);
                if (k % 2 == 1) {
                    throw Refusal.conflict("odd " + k);
                }
                return k;
            }).toCompletableFuture());
        }
        release.countDown();
        held.toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 10; i++) {
            if (i % 2 == 1) {
                var e = assertThrows(CompletionException.class, calls.get(i)::join);
                assertEquals("odd " + i, assertInstanceOf(Refusal.class, e.getCause()).getMessage());
            } else {
                assertEquals(i, calls.get(i).join());
            }
        }
        assertEquals(List.of(0L, 2L, 4L, 6L, 8L), object.call(RefusalTest::rows), "the refused events' writes alone were rolled back");
        assertEquals(7L, (long) object.call(s -> s.inMemory), "the instance kept its fields");
        assertEquals(constructed, constructions(object), "the instance was not constructed again");
        cairn.restart();
        assertEquals(List.of(0L, 2L, 4L, 6L, 8L), cairn.get(Scratch.class, "batch").call(RefusalTest::rows),
                "the other events' writes are durable");
    }

    @Test
    void anObjectThatLetsARefusalPropagateIsRefusedTheSameWay() {
        Stub<Scratch> front = cairn.get(Scratch.class, "front");
        Stub<Scratch> back = cairn.get(Scratch.class, "back");
        front.call(s -> { createTable(s); s.inMemory = 1; return null; });
        back.call(s -> { createTable(s); return null; });
        int constructed = constructions(front);
        var refused = assertThrows(Refusal.class, () -> front.call(s -> {
            s.ctx.storage().sql().exec("INSERT INTO w VALUES (1)");
            return s.ctx.namespaces().of(Scratch.class).getByName("back").call(b -> {
                b.ctx.storage().sql().exec("INSERT INTO w VALUES (2)");
                throw Refusal.preconditionFailed("version 3 expected, found 4");
            });
        }));
        assertEquals(Refusal.Status.PRECONDITION_FAILED, refused.status());
        assertEquals("version 3 expected, found 4", refused.getMessage());
        assertEquals(List.of(), front.call(RefusalTest::rows), "the caller's own writes were rolled back");
        assertEquals(List.of(), back.call(RefusalTest::rows), "the refusing object's writes were rolled back");
        assertEquals(1L, (long) front.call(s -> s.inMemory), "the calling object kept its instance too");
        assertEquals(constructed, constructions(front));
    }

    @Test
    void aRefusalCaughtByTheCallingObjectIsJustAnAnswer() {
        Stub<Scratch> front = cairn.get(Scratch.class, "catching");
        front.call(s -> { createTable(s); return null; });
        String answer = front.call(s -> {
            s.ctx.storage().sql().exec("INSERT INTO w VALUES (1)");
            try {
                return s.ctx.namespaces().of(Scratch.class).getByName("refuser").call(b -> {
                    throw Refusal.forbidden("not yours");
                });
            } catch (Refusal r) {
                return r.status() + ": " + r.getMessage();
            }
        });
        assertEquals("FORBIDDEN: not yours", answer);
        assertEquals(List.of(1L), front.call(RefusalTest::rows), "the caller chose to go on: its writes commit");
    }

    @Test
    void aRefusalNeedsAStatusAndAMessage() {
        assertEquals("a refusal needs a message saying why the request was refused",
                assertThrows(IllegalArgumentException.class, () -> Refusal.conflict(" ")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Refusal.of(null, "why"))
                .getMessage().startsWith("a refusal needs a status, one of [BAD_REQUEST, FORBIDDEN"));
        assertSame(Refusal.Status.UNPROCESSABLE, Refusal.unprocessable("x").status());
    }
}
