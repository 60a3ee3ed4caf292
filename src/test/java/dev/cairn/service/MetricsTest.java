package dev.cairn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.ObjectException;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Refusal;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The node's meters, read from the registry of a node built by the test kit with the service's meters. */
class MetricsTest {
    /** The node's meters, in a registry of their own; made by the kit as it builds each test's node. */
    private CairnMetrics metrics;

    /** The mailbox holds 4; housekeeping never runs on its own, so queued calls are refused only when their turn comes. */
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().freshPerTest()
            .namespace("scratch", Scratch.class)
            .property("cairn.objects.mailbox-capacity", "4")
            .property("cairn.objects.housekeeping-interval", "1h")
            .meters(names -> metrics = CairnMetrics.standalone(names))
            .build();

    @BeforeEach
    void bindGauges() {
        metrics.bind(cairn.node());
    }

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
        MeterRegistry r = metrics.registry();
        Stub<Scratch> object = cairn.get(Scratch.class, "counted");
        for (int i = 0; i < 3; i++) {
            object.call(s -> s.ctx.storage().sql().exec("SELECT 1").one());
        }
        assertThrows(ObjectException.class, () -> object.call(s -> { throw new IllegalStateException("no"); }));
        assertThrows(Refusal.class, () -> object.call(s -> { throw Refusal.conflict("taken"); }));
        assertEquals(3, calls(r, "ok"));
        assertEquals(1, calls(r, "object_error"), "a refusal is an answer, not an object error");
        assertEquals(1, calls(r, "refused"));
        assertEquals(0, calls(r, "overloaded"));
        // One commit per call here (none was queued behind another); the constructor's write commits with the first.
        assertEquals(5, r.get("cairn.commit").tag("namespace", "scratch").timer().count());
        assertTrue(r.get("cairn.commit").tag("namespace", "scratch").timer().totalTime(TimeUnit.NANOSECONDS) > 0);
        assertEquals(5, r.get("cairn.commit.calls").tag("namespace", "scratch").summary().totalAmount());
        assertEquals(1, gauge(r, "cairn.objects.active"));
        cairn.stop();
        assertEquals(0, gauge(r, "cairn.objects.active"));
        assertThrows(OverloadedException.class, () -> object.call(s -> null));
        assertEquals(1, calls(r, "shutting_down"));
    }

    @Test
    void overloadsAreCountedByReasonAndQueuedCallsAreGauged() throws Exception {
        MeterRegistry r = metrics.registry();
        Stub<Scratch> object = cairn.get(Scratch.class, "busy");
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
        // Past the queue deadline: the queued calls are refused when their turn comes.
        cairn.clock().advance(cairn.node().settings().queueDeadline().plus(Duration.ofMillis(1)));
        release.countDown();
        held.toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (var q : queued) {
            assertThrows(CompletionException.class, q::join);
        }
        assertEquals(4, overloads(r, "queue_deadline"));
        assertEquals(5, calls(r, "overloaded"), "one refused at the door, four past the deadline");
        assertEquals(1, calls(r, "ok"), "the held call");
        assertEquals(0, gauge(r, "cairn.mailbox.queued"));
    }
}
