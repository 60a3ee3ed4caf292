package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.AbortedException;
import dev.cairn.api.AlarmAfterAbort;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ctx.abort(reason)} ends the event at once: nothing after it runs, its writes roll back, the
 * instance is reset, and the caller gets the reason, even when the object's code catches the abort.
 */
class AbortTest {
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("scratch", Scratch.class).freshPerTest().build();

    private static int constructions(Stub<Scratch> object) {
        return Scratch.CONSTRUCTIONS.get(object.id().toString()).get();
    }

    private static Object stored(Stub<Scratch> object, String key) {
        return object.call(s -> s.ctx.storage().get(key));
    }

    @Test
    void anAbortEndsTheEventRollsBackItsWritesAndResetsTheInstance() {
        Stub<Scratch> object = cairn.get(Scratch.class, "aborting");
        object.call(s -> { s.ctx.storage().put("kept", 1); s.inMemory = 7; return null; });
        AtomicBoolean after = new AtomicBoolean();
        var aborted = assertThrows(AbortedException.class, () -> object.call(s -> {
            s.ctx.storage().put("lost", 2);
            s.ctx.abort("the ledger looks inconsistent");
            after.set(true);
            return null;
        }));
        assertEquals("the ledger looks inconsistent", aborted.getMessage());
        assertTrue(aborted.remote());
        assertFalse(aborted.retryable());
        assertEquals(AlarmAfterAbort.RETRY, aborted.alarm());
        assertFalse(after.get(), "nothing after abort ran");
        assertNull(stored(object, "lost"));
        assertEquals(1L, stored(object, "kept"));
        assertEquals(0L, (long) object.call(s -> s.inMemory), "the instance was reset");
        assertEquals(2, constructions(object));
    }

    @Test
    void anAbortTheObjectCatchesStillFailsTheEvent() {
        Stub<Scratch> object = cairn.get(Scratch.class, "catching");
        var aborted = assertThrows(AbortedException.class, () -> object.call(s -> {
            try {
                s.ctx.abort("first reason");
            } catch (RuntimeException swallowed) {
                s.ctx.storage().put("after-catch", true);
                s.inMemory = 5;
            }
            return "returned normally";
        }));
        assertEquals("first reason", aborted.getMessage());
        assertNull(stored(object, "after-catch"), "writes after the caught abort rolled back too");
        assertEquals(0L, (long) object.call(s -> s.inMemory));
    }

    @Test
    void anAbortWithoutAReasonSaysSo() {
        var aborted = assertThrows(AbortedException.class, () -> cairn.get(Scratch.class, "silent").call(s -> {
            s.ctx.abort(null);
            return null;
        }));
        assertEquals("the object aborted the event", aborted.getMessage());
    }

    @Test
    void anotherObjectCallingGetsTheAbortItself() {
        Stub<Scratch> caller = cairn.get(Scratch.class, "caller");
        String reason = caller.call(s -> {
            try {
                s.ctx.namespaces().of(Scratch.class).getByName("callee").call(c -> { c.ctx.abort("callee gave up"); return null; });
                return "no abort";
            } catch (AbortedException e) {
                return e.getMessage();
            }
        });
        assertEquals("callee gave up", reason);
    }

    @Test
    void callsQueuedBehindAnAbortRunOnTheFreshInstanceAndCommit() throws Exception {
        Stub<Scratch> object = cairn.get(Scratch.class, "queued");
        var holding = Scratch.holding(object, s -> { });
        var aborting = object.send(s -> { s.ctx.storage().put("a", 1); s.ctx.abort("not this one"); return null; }).toCompletableFuture();
        var after = object.send(s -> { s.ctx.storage().put("b", 2); return s.inMemory++; }).toCompletableFuture();
        holding.release();
        assertEquals("released", holding.reply().join());
        var failed = assertThrows(CompletionException.class, aborting::join);
        assertEquals("not this one", assertInstanceOf(AbortedException.class, failed.getCause()).getMessage());
        assertEquals(0L, after.join());
        assertNull(stored(object, "a"));
        assertEquals(2L, stored(object, "b"));
    }
}
