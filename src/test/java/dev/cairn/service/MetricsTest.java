package dev.cairn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.ObjectException;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Stub;
import io.micrometer.core.instrument.MeterRegistry;
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

/** The engine's meters, read from the registry of an engine built with {@code new}. */
class MetricsTest {
    @TempDir
    Path dir;

    private static double calls(MeterRegistry r, String outcome) {
        return r.get("cairn.calls").tag("namespace", "scratch").tag("outcome", outcome).counter().count();
    }

    private static double overloads(MeterRegistry r, String reason) {
        return r.get("cairn.overloads").tag("namespace", "scratch").tag("reason", reason).counter().count();
    }

    private static double gauge(MeterRegistry r, String name) {
        return r.get(name).gauge().value();
    }

    @Test
    void callsAreCountedByOutcomeAndCommitsAreTimed() {
        Engine engine = EngineHarness.engine(EngineHarness.settings(dir));
        MeterRegistry r = engine.metrics().registry();
        Stub<Scratch> object = engine.of(Scratch.class).getByName("counted");
        for (int i = 0; i < 3; i++) {
            object.call(s -> s.ctx.storage().sql().exec("SELECT 1").one());
        }
        assertThrows(ObjectException.class, () -> object.call(s -> { throw new IllegalStateException("no"); }));
        assertEquals(3, calls(r, "ok"));
        assertEquals(1, calls(r, "object_error"));
        assertEquals(0, calls(r, "overloaded"));
        // One commit per call here (none was queued behind another); the constructor's write commits with the first.
        assertEquals(4, r.get("cairn.commit").tag("namespace", "scratch").timer().count());
        assertTrue(r.get("cairn.commit").tag("namespace", "scratch").timer().totalTime(TimeUnit.NANOSECONDS) > 0);
        assertEquals(4, r.get("cairn.commit.calls").tag("namespace", "scratch").summary().totalAmount());
        assertEquals(1, gauge(r, "cairn.objects.active"));
        engine.shutdown();
        assertEquals(0, gauge(r, "cairn.objects.active"));
        assertThrows(OverloadedException.class, () -> object.call(s -> null));
        assertEquals(1, calls(r, "shutting_down"));
    }

    @Test
    void overloadsAreCountedByReasonAndQueuedCallsAreGauged() throws Exception {
        var s = EngineHarness.settings(dir);
        Engine engine = EngineHarness.engine(new Settings(dir, s.idleTimeout(), s.maxActive(), 4, Duration.ofMillis(300),
                s.maxBatch(), s.housekeepingInterval(), s.shutdownDrainTimeout(), s.durability(), s.limits(), s.alarms()));
        MeterRegistry r = engine.metrics().registry();
        Stub<Scratch> object = engine.of(Scratch.class).getByName("busy");
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = object.send(x -> x.hold(started, release));
        started.await();
        List<CompletableFuture<Object>> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // the mailbox holds 4
            queued.add(object.send(x -> (Object) "ran").toCompletableFuture());
        }
        assertEquals(4, gauge(r, "cairn.mailbox.queued"));
        assertEquals(4, gauge(r, "cairn.mailbox.queued.max"));
        var refused = object.send(x -> (Object) "ran").toCompletableFuture();
        assertTrue(assertThrows(CompletionException.class, refused::join).getCause() instanceof OverloadedException);
        assertEquals(1, overloads(r, "mailbox_full"));
        Thread.sleep(400); // past the queue deadline: the queued calls are refused when their turn comes
        release.countDown();
        held.toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (var q : queued) {
            assertThrows(CompletionException.class, q::join);
        }
        assertEquals(4, overloads(r, "queue_deadline"));
        assertEquals(5, calls(r, "overloaded"), "one refused at the door, four past the deadline");
        assertEquals(1, calls(r, "ok"), "the held call");
        assertEquals(0, gauge(r, "cairn.mailbox.queued"));
        engine.shutdown();
    }
}
