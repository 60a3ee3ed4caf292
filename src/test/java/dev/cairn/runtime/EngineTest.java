package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.ObjectException;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Stub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine built with {@code new}: batching, the active-object cap, shutdown, restarts. */
class EngineTest {
    @TempDir
    Path dir;

    private static void createTable(Scratch s) {
        s.ctx.storage().sql().exec("CREATE TABLE IF NOT EXISTS w (k INTEGER PRIMARY KEY)");
    }

    @Test
    void queuedCallsShareACommitButEachFailingCallRollsBackAlone() throws Exception {
        Engine engine = EngineHarness.engine(EngineHarness.settings(dir));
        Stub<Scratch> object = engine.of(Scratch.class).getByName("mixed");
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
        engine.shutdown();
        Engine restarted = EngineHarness.engine(EngineHarness.settings(dir));
        assertEquals(expected.size(), restarted.of(Scratch.class).getByName("mixed")
                .call(s -> s.ctx.storage().sql().exec("SELECT count(*) AS n FROM w").one().getLong("n")).intValue(),
                "what was acknowledged is on disk for the next engine");
        restarted.shutdown();
    }

    @Test
    void beyondTheCapTheLeastRecentlyUsedObjectsAreEvicted() {
        var s = EngineHarness.settings(dir);
        Engine engine = EngineHarness.engine(new Settings(dir, s.idleTimeout(), 4, s.mailboxCapacity(),
                s.queueDeadline(), s.maxBatch(), s.housekeepingInterval(), s.shutdownDrainTimeout(), s.durability(),
                s.limits(), s.alarms()));
        var ns = engine.of(Scratch.class);
        List<Stub<Scratch>> objects = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            objects.add(ns.getByName("lru-" + dir.getFileName() + "-" + i));
            objects.get(i).call(x -> { createTable(x); return null; });
        }
        // The fifth activation went over the cap of 4: the oldest were closed, down to 90 % of the cap.
        objects.get(4).call(x -> null);
        objects.get(0).call(x -> null);
        assertEquals(2, Scratch.CONSTRUCTIONS.get(objects.get(0).id().toString()).get(), "the least recently used was evicted");
        assertEquals(1, Scratch.CONSTRUCTIONS.get(objects.get(4).id().toString()).get(), "the most recent stayed");
        assertTrue(engine.catalog().activeCount() <= 5);
        engine.shutdown();
    }

    @Test
    void evictionForTheCapKeepsTheMostRecentlyUsedObjects() {
        var s = EngineHarness.settings(dir);
        Engine engine = EngineHarness.engine(new Settings(dir, s.idleTimeout(), 20, s.mailboxCapacity(),
                s.queueDeadline(), s.maxBatch(), s.housekeepingInterval(), s.shutdownDrainTimeout(), s.durability(),
                s.limits(), s.alarms()));
        var ns = engine.of(Scratch.class);
        List<Stub<Scratch>> objects = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            objects.add(ns.getByName("recent-" + dir.getFileName() + "-" + i));
            objects.get(i).call(x -> null);
        }
        // Trimming keeps 90 % of the cap, 18 objects: the 18 used last were never evicted.
        for (var o : objects.subList(200 - 18, 200)) {
            o.call(x -> null);
            assertEquals(1, Scratch.CONSTRUCTIONS.get(o.id().toString()).get(), "one of the 18 most recent was evicted");
        }
        assertTrue(engine.catalog().openCount() >= 18 && engine.catalog().openCount() <= 20, "open: " + engine.catalog().openCount());
        engine.shutdown();
    }

    @Test
    void whenEveryActiveObjectIsBusyOneMoreIsRefusedAsOverloadNotOpened() throws Exception {
        var s = EngineHarness.settings(dir);
        Engine engine = EngineHarness.engine(new Settings(dir, s.idleTimeout(), 10, s.mailboxCapacity(),
                s.queueDeadline(), s.maxBatch(), s.housekeepingInterval(), s.shutdownDrainTimeout(), s.durability(),
                s.limits(), s.alarms()));
        var ns = engine.of(Scratch.class);
        var release = new CountDownLatch(1);
        List<java.util.concurrent.CompletionStage<String>> held = new ArrayList<>();
        for (int i = 0; i < Catalog.hardLimit(10); i++) { // 11: the cap plus 10 % for closing objects
            var started = new CountDownLatch(1);
            held.add(ns.getByName("busy-" + i).send(x -> x.hold(started, release)));
            started.await();
        }
        var refused = assertThrows(OverloadedException.class, () -> ns.getByName("one-more").call(x -> null));
        assertTrue(refused.getMessage().startsWith("Too many objects active on this node: 11 are open or closing,"
                + " and none of them is idle (cairn.objects.max-active 10"), refused.getMessage());
        assertTrue(refused.retryable());
        release.countDown();
        for (var h : held) {
            assertEquals("released", h.toCompletableFuture().get(5, TimeUnit.SECONDS));
        }
        assertEquals("activated", ns.getByName("one-more").call(x -> "activated"), "once objects are idle again, it is activated");
        engine.shutdown();
    }

    @Test
    void shutdownFinishesQueuedCallsAndRefusesNewOnes() throws Exception {
        Engine engine = EngineHarness.engine(EngineHarness.settings(dir));
        Stub<Scratch> object = engine.of(Scratch.class).getByName("drain");
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = object.send(s -> s.hold(started, release));
        started.await();
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int k = i;
            queued.add(object.send(s -> k).toCompletableFuture());
        }
        var loops = engine.beginShutdown();
        var stopping = CompletableFuture.runAsync(() -> engine.awaitDrained(loops));
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
    void shutdownRefusesWhatIsStillQueuedAfterTheDrainTimeout() throws Exception {
        var s = EngineHarness.settings(dir);
        Engine engine = EngineHarness.engine(new Settings(dir, s.idleTimeout(), s.maxActive(), s.mailboxCapacity(),
                s.queueDeadline(), s.maxBatch(), s.housekeepingInterval(), Duration.ofMillis(200), s.durability(),
                s.limits(), s.alarms()));
        Stub<Scratch> object = engine.of(Scratch.class).getByName("stuck");
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = object.send(x -> x.hold(started, release));
        started.await();
        var queued = object.send(x -> 1).toCompletableFuture();
        engine.shutdown();
        var e = assertThrows(CompletionException.class, queued::join);
        assertTrue(assertInstanceOf(OverloadedException.class, e.getCause()).shuttingDown(), "refused explicitly");
        release.countDown();
        assertEquals("released", held.toCompletableFuture().get(10, TimeUnit.SECONDS), "the running call still finished");
    }

    @Test
    void aCallThatSlipsPastTheShutdownCheckStillRunsAndItsObjectStopsWithTheRest() throws Exception {
        Engine engine = EngineHarness.engine(EngineHarness.settings(dir));
        var ns = (LocalNamespace<Scratch>) engine.of(Scratch.class);
        var loops = engine.beginShutdown();
        // As a submit that passed the shutdown check just before the flag was set: it activates an
        // object the drain did not see.
        var late = new Envelope((Scratch s) -> "ran", System.currentTimeMillis(), CallChain.EMPTY);
        engine.catalog().deliver(ns, ns.idFromName("late"), late);
        engine.awaitDrained(loops);
        assertEquals("ran", late.reply.get(10, TimeUnit.SECONDS));
        assertEquals(0, engine.catalog().activeCount(), "its object stopped too, database closed");
    }

    @Test
    void initialisationCompletesBeforeTheFirstCallAndAFailedOneWritesNothing() {
        Engine engine = EngineHarness.engine(EngineHarness.settings(dir));
        Stub<Scratch> object = engine.of(Scratch.class).getByName("init");
        Scratch.FAIL_NEXT_INIT.add("init");
        var e = assertThrows(ObjectException.class, () -> object.call(s -> s.initialisedRows));
        assertEquals("constructor of Scratch failed: initialisation failed on purpose", e.getMessage());
        assertEquals(Long.valueOf(1), object.call(s -> (Long) s.initialisedRows), "the failed initialisation's write was rolled back");
        engine.shutdown();
    }

    @Test
    void differentObjectsRunInParallelWhileOneIsBusy() throws Exception {
        Engine engine = EngineHarness.engine(EngineHarness.settings(dir));
        var ns = engine.of(Scratch.class);
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = ns.getByName("busy").send(s -> s.hold(started, release));
        started.await();
        assertEquals("free", ns.getByName("free").call(s -> "free"), "another object answers while the first is busy");
        release.countDown();
        assertEquals("released", held.toCompletableFuture().get(10, TimeUnit.SECONDS));
        engine.shutdown();
    }

    @Test
    void aStubRecordsItsLocationHintAndDoesNotActivateTheObject() {
        Engine engine = EngineHarness.engine(EngineHarness.settings(dir));
        var ns = engine.of(Scratch.class);
        var id = ns.newUniqueId();
        var stub = ns.get(id, java.util.Optional.of(dev.cairn.api.LocationHint.WEUR));
        assertEquals(java.util.Optional.of(dev.cairn.api.LocationHint.WEUR), stub.locationHint());
        assertEquals(null, Scratch.CONSTRUCTIONS.get(id.toString()));
        assertEquals(0, engine.catalog().activeCount());
        engine.shutdown();
    }
}
