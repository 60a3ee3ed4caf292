package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.LocationHint;
import dev.cairn.api.ObjectException;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node outside Quarkus, through the test kit: batching, the active-object cap, shutdown, restarts.
 * Each group of tests runs a fresh node per test with the settings it names.
 */
class EngineTest {
    /** A fresh node (and data directory) for every test, serving {@link Scratch} as namespace {@code scratch}. */
    private static CairnTestKit.Builder scratchNode() {
        return CairnTestKit.builder().namespace("scratch", Scratch.class).freshPerTest();
    }

    private static void createTable(Scratch s) {
        s.ctx.storage().sql().exec("CREATE TABLE IF NOT EXISTS w (k INTEGER PRIMARY KEY)");
    }

    /** Names unique to this test's data directory: {@link Scratch#CONSTRUCTIONS} is kept for the whole JVM. */
    private static String unique(CairnTestKit cairn, String prefix) {
        return prefix + "-" + cairn.dataDir().getFileName() + "-";
    }

    @Nested
    class WithDefaultSettings {
        @RegisterExtension
        final CairnTestKit cairn = scratchNode().build();

        @Test
        void queuedCallsShareACommitButEachFailingCallRollsBackAlone() throws Exception {
            Stub<Scratch> object = cairn.get(Scratch.class, "mixed");
            object.call(s -> { createTable(s); return null; });
            var started = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            var held = object.send(s -> s.hold(started, release));
            started.await();
            List<CompletableFuture<Object>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) { // queued behind the held call: they run as one batch
                int k = i;
                calls.add(object.send(s -> {
                    s.ctx.storage().sql().exec("INSERT INTO w VALUES (?)", k);
                    if (k % 3 == 0) {
                        throw new IllegalStateException("no multiples of three: " + k);
                    }
                    return (Object) k;
                }).toCompletableFuture());
            }
            release.countDown();
            held.toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                if (i % 3 == 0) {
                    var e = assertThrows(CompletionException.class, calls.get(i)::join);
                    assertEquals("no multiples of three: " + i, assertInstanceOf(ObjectException.class, e.getCause()).getMessage());
                } else {
                    assertEquals(i, calls.get(i).join());
                    expected.add((long) i);
                }
            }
            assertEquals(expected, object.call(s -> s.ctx.storage().sql().exec("SELECT k FROM w ORDER BY k").toList()
                    .stream().map(r -> r.getLong("k")).toList()));
            cairn.restart();
            assertEquals(expected.size(), cairn.get(Scratch.class, "mixed")
                    .call(s -> s.ctx.storage().sql().exec("SELECT count(*) AS n FROM w").one().getLong("n")).intValue(),
                    "what was acknowledged is on disk for the next node");
        }

        @Test
        void shutdownFinishesQueuedCallsAndRefusesNewOnes() throws Exception {
            Stub<Scratch> object = cairn.get(Scratch.class, "drain");
            var started = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            var held = object.send(s -> s.hold(started, release));
            started.await();
            List<CompletableFuture<Integer>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int k = i;
                queued.add(object.send(s -> k).toCompletableFuture());
            }
            cairn.node().beginShutdown();
            var stopping = CompletableFuture.runAsync(cairn::stop);
            var refused = assertThrows(CompletionException.class, () -> object.send(s -> 0).toCompletableFuture().join());
            assertTrue(assertInstanceOf(OverloadedException.class, refused.getCause()).shuttingDown());
            release.countDown();
            stopping.get(10, TimeUnit.SECONDS);
            assertEquals("released", held.toCompletableFuture().join());
            for (int i = 0; i < 5; i++) {
                assertEquals(i, queued.get(i).join(), "queued calls were finished, not dropped");
            }
        }

        @Test
        void aCallThatSlipsPastTheShutdownCheckStillRunsAndItsObjectStopsWithTheRest() throws Exception {
            Node node = cairn.node();
            var ns = (LocalNamespace<Scratch>) node.of(Scratch.class);
            node.beginShutdown();
            // As a delivery that passed the shutdown check just before the flag was set: it activates an
            // object the drain did not see.
            var late = new Envelope(new Event.Call(s -> "ran"), cairn.clock().millis(), CallChain.EMPTY, ns.meters());
            node.catalog().deliver(ns, ns.idFromName("late"), late);
            cairn.stop();
            assertEquals("ran", late.reply.get(10, TimeUnit.SECONDS));
            assertEquals(0, node.activeCount(), "its object stopped too, database closed");
        }

        @Test
        void initialisationCompletesBeforeTheFirstCallAndAFailedOneWritesNothing() {
            Stub<Scratch> object = cairn.get(Scratch.class, "init");
            Scratch.FAIL_NEXT_INIT.add("init");
            var e = assertThrows(ObjectException.class, () -> object.call(s -> s.initialisedRows));
            assertEquals("constructor of Scratch failed: initialisation failed on purpose", e.getMessage());
            assertEquals(Long.valueOf(1), object.call(s -> (Long) s.initialisedRows), "the failed initialisation's write was rolled back");
        }

        @Test
        void differentObjectsRunInParallelWhileOneIsBusy() throws Exception {
            var started = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            var held = cairn.get(Scratch.class, "busy").send(s -> s.hold(started, release));
            started.await();
            assertEquals("free", cairn.get(Scratch.class, "free").call(s -> "free"), "another object answers while the first is busy");
            release.countDown();
            assertEquals("released", held.toCompletableFuture().get(10, TimeUnit.SECONDS));
        }

        @Test
        void aStubRecordsItsLocationHintAndDoesNotActivateTheObject() {
            var ns = cairn.namespace(Scratch.class);
            var id = ns.newUniqueId();
            var stub = ns.get(id, Optional.of(LocationHint.WEUR));
            assertEquals(Optional.of(LocationHint.WEUR), stub.locationHint());
            assertNull(Scratch.CONSTRUCTIONS.get(id.toString()));
            assertEquals(0, cairn.node().activeCount());
        }
    }

    @Nested
    class WithACapOfFourActiveObjects {
        @RegisterExtension
        final CairnTestKit cairn = scratchNode().property("cairn.objects.max-active", "4").build();

        @Test
        void beyondTheCapTheLeastRecentlyUsedObjectsAreEvicted() {
            String name = unique(cairn, "lru");
            List<Stub<Scratch>> objects = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                objects.add(cairn.get(Scratch.class, name + i));
                cairn.clock().advance(Duration.ofMillis(1)); // one after the other: their last use orders them
                objects.get(i).call(x -> { createTable(x); return null; });
            }
            // The fifth activation went over the cap of 4: the oldest were closed, down to 90 % of the cap.
            objects.get(4).call(x -> null);
            objects.get(0).call(x -> null);
            assertEquals(2, Scratch.CONSTRUCTIONS.get(objects.get(0).id().toString()).get(), "the least recently used was evicted");
            assertEquals(1, Scratch.CONSTRUCTIONS.get(objects.get(4).id().toString()).get(), "the most recent stayed");
            assertTrue(cairn.node().activeCount() <= 5);
        }
    }

    @Nested
    class WithACapOfTwentyActiveObjects {
        @RegisterExtension
        final CairnTestKit cairn = scratchNode().property("cairn.objects.max-active", "20").build();

        @Test
        void evictionForTheCapKeepsTheMostRecentlyUsedObjects() {
            String name = unique(cairn, "recent");
            List<Stub<Scratch>> objects = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                objects.add(cairn.get(Scratch.class, name + i));
                cairn.clock().advance(Duration.ofMillis(1)); // one after the other: their last use orders them
                objects.get(i).call(x -> null);
            }
            // Trimming keeps 90 % of the cap, 18 objects: the 18 used last were never evicted.
            for (var o : objects.subList(200 - 18, 200)) {
                o.call(x -> null);
                assertEquals(1, Scratch.CONSTRUCTIONS.get(o.id().toString()).get(), "one of the 18 most recent was evicted");
            }
            int open = cairn.node().openCount();
            assertTrue(open >= 18 && open <= 20, "open: " + open);
        }
    }

    @Nested
    class WithACapOfTenActiveObjects {
        @RegisterExtension
        final CairnTestKit cairn = scratchNode().property("cairn.objects.max-active", "10").build();

        @Test
        void whenEveryActiveObjectIsBusyOneMoreIsRefusedAsOverloadNotOpened() throws Exception {
            var release = new CountDownLatch(1);
            List<CompletionStage<String>> held = new ArrayList<>();
            for (int i = 0; i < Node.hardLimit(10); i++) { // 11: the cap plus 10 % for closing objects
                var started = new CountDownLatch(1);
                held.add(cairn.get(Scratch.class, "busy-" + i).send(x -> x.hold(started, release)));
                started.await();
            }
            var refused = assertThrows(OverloadedException.class, () -> cairn.get(Scratch.class, "one-more").call(x -> null));
            assertTrue(refused.getMessage().startsWith("Too many objects active on this node: 11 are open or closing,"
                    + " and none of them is idle (cairn.objects.max-active 10"), refused.getMessage());
            assertTrue(refused.overloaded());
            assertFalse(refused.retryable(), "an overloaded node is not to be called again at once");
            release.countDown();
            for (var h : held) {
                assertEquals("released", h.toCompletableFuture().get(5, TimeUnit.SECONDS));
            }
            assertEquals("activated", cairn.get(Scratch.class, "one-more").call(x -> "activated"),
                    "once objects are idle again, it is activated");
        }
    }

    @Nested
    class WithAShortDrainTimeout {
        @RegisterExtension
        final CairnTestKit cairn = scratchNode().property("cairn.shutdown-drain-timeout", "200ms").build();

        @Test
        void shutdownRefusesWhatIsStillQueuedAfterTheDrainTimeout() throws Exception {
            Stub<Scratch> object = cairn.get(Scratch.class, "stuck");
            var started = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            var held = object.send(x -> x.hold(started, release));
            started.await();
            var queued = object.send(x -> 1).toCompletableFuture();
            cairn.stop();
            var e = assertThrows(CompletionException.class, queued::join);
            assertTrue(assertInstanceOf(OverloadedException.class, e.getCause()).shuttingDown(), "refused explicitly");
            release.countDown();
            assertEquals("released", held.toCompletableFuture().get(10, TimeUnit.SECONDS), "the running call still finished");
        }
    }
}
