package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.EventTimeoutException;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A call, fetch or alarm run still running past its namespace's time limit ({@code
 * cairn.objects.event-timeout}, 30 s) is answered at once; when its code returns, its writes (and
 * those of the calls committing with it) are rolled back and the instance is reset; what was queued
 * behind it runs on the fresh instance, or meets the queue deadline while the code does not return.
 */
class EventTimeoutTest {
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("scratch", Scratch.class)
            .property("cairn.namespaces.scratch.event-timeout", "30s").freshPerTest().build();

    private static int constructions(Stub<Scratch> object) {
        return Scratch.CONSTRUCTIONS.get(object.id().toString()).get();
    }

    private static Object stored(Stub<Scratch> object, String key) {
        return object.call(s -> s.ctx.storage().get(key));
    }

    private static Throwable failureOf(CompletableFuture<?> reply) {
        return assertThrows(CompletionException.class, reply::join).getCause();
    }

    /** Moves the clock and runs one housekeeping pass, as the housekeeper does every 250 ms. */
    private void pass(Duration d) {
        cairn.clock().advance(d);
        cairn.sweep();
    }

    @Test
    void aCallPastItsTimeLimitIsAnsweredAtOnceAndRolledBackWhenItsCodeReturns() throws Exception {
        Stub<Scratch> object = cairn.get(Scratch.class, "slow");
        object.call(s -> { s.ctx.storage().put("kept", 1); s.inMemory = 7; return null; });
        var slow = Scratch.holding(object, s -> s.ctx.storage().put("lost", 2));

        pass(Duration.ofSeconds(29));
        assertFalse(slow.reply().isDone(), "within its 30 s");
        pass(Duration.ofSeconds(2));
        var timedOut = assertInstanceOf(EventTimeoutException.class, failureOf(slow.reply()));
        assertEquals(EventTimeoutException.Role.THIS_EVENT, timedOut.role());
        assertFalse(timedOut.retryable(), "the same call would run as long again");
        assertTrue(timedOut.getMessage().startsWith("the call of scratch/" + object.id() + " ran past its time limit of 30000 ms"),
                timedOut.getMessage());

        var queued = object.send(s -> { s.ctx.storage().put("after", 3); return s.inMemory; }).toCompletableFuture();
        assertFalse(queued.isDone(), "the object's thread is still in the slow call");
        slow.release();
        assertEquals(0L, queued.join(), "the queued call ran on a fresh instance");
        assertNull(stored(object, "lost"), "the timed-out call's writes were rolled back");
        assertEquals(1L, stored(object, "kept"));
        assertEquals(3L, stored(object, "after"));
        assertEquals(2, constructions(object));
    }

    @Test
    void callsCommittingWithATimedOutCallAreToldTheirWritesAreNotSavedAndMayRetry() throws Exception {
        Stub<Scratch> object = cairn.get(Scratch.class, "batched");
        var first = Scratch.holding(object, s -> { });
        // Queued together behind the first: the loop takes them as one batch, committed once.
        var quick = object.send(s -> { s.ctx.storage().put("quick", 1); return "quick"; }).toCompletableFuture();
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch slowRelease = new CountDownLatch(1);
        var slow = object.send(s -> s.hold(slowStarted, slowRelease)).toCompletableFuture();
        first.release();
        assertEquals("released", first.reply().join());
        slowStarted.await();

        pass(Duration.ofSeconds(31));
        var sameBatch = assertInstanceOf(EventTimeoutException.class, failureOf(quick));
        assertEquals(EventTimeoutException.Role.SAME_BATCH, sameBatch.role());
        assertTrue(sameBatch.retryable(), "its writes were not saved: it may be sent again");
        assertEquals(EventTimeoutException.Role.THIS_EVENT, assertInstanceOf(EventTimeoutException.class, failureOf(slow)).role());

        slowRelease.countDown();
        assertNull(stored(object, "quick"), "rolled back with the batch");
        assertEquals("quick", object.call(s -> { s.ctx.storage().put("quick", 1); return "quick"; }), "sent again, it commits");
        assertEquals(1L, stored(object, "quick"));
    }

    @Test
    void whileTheCodeDoesNotReturnQueuedCallsMeetTheQueueDeadline() throws Exception {
        Stub<Scratch> object = cairn.get(Scratch.class, "stuck");
        var stuck = Scratch.holding(object, s -> { });
        var queued = object.send(s -> "ran").toCompletableFuture();

        pass(Duration.ofSeconds(31));
        assertInstanceOf(EventTimeoutException.class, failureOf(stuck.reply()));
        var overdue = assertInstanceOf(OverloadedException.class, failureOf(queued));
        assertTrue(overdue.overloaded(), overdue.getMessage());
        stuck.release();
        assertEquals("ran", object.call(s -> "ran"), "the object serves again once the code returned");
    }

    @Test
    void aCallThatEndsInTimeIsNotTimedOutByALaterPass() {
        Stub<Scratch> object = cairn.get(Scratch.class, "quick");
        assertEquals(1L, (long) object.call(s -> { s.ctx.storage().put("k", 1); return 1L; }));
        pass(Duration.ofMinutes(1));
        assertEquals(1L, stored(object, "k"), "committed, and not undone by the pass");
    }
}
