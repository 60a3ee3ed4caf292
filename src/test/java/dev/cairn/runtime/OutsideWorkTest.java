package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.Webhook;
import dev.cairn.api.ObjectException;
import dev.cairn.api.Outcome;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Work an object runs outside its events ({@code ctx.outside}, {@code ctx.waitUntil}): it starts once
 * the event that asked for it has committed, runs off the object's thread while the object goes on
 * answering, and its outcome comes back as a new event of the same instance whose writes commit. It
 * keeps the object active up to {@code cairn.objects.outside-work-limit}.
 */
class OutsideWorkTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("scratch", Scratch.class)
            .property("cairn.objects.outside-work-limit", "1m").freshPerTest().build();

    private final Webhook webhook = new Webhook();

    OutsideWorkTest() throws Exception {}

    @AfterEach
    void closeWebhook() {
        webhook.close();
    }

    /** POSTs {@code body} to the webhook and returns its status: slow I/O, as an LLM or a webhook is. */
    private int post(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(webhook.url())).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Object stored(Stub<Scratch> object, String key) {
        return object.call(s -> s.ctx.storage().get(key));
    }

    /** Starts a POST of {@code body} whose status is stored under {@code key} when the webhook answers. */
    private void postOutside(Stub<Scratch> object, String body, String key) {
        object.call(s -> {
            s.ctx.outside(() -> post(body), outcome -> s.ctx.storage().put(key, outcome.get()));
            return null;
        });
    }

    @Test
    void theObjectKeepsAnsweringWhileItsSlowCallRunsAndTheOutcomeCommitsAsANewEvent() throws Exception {
        Stub<Scratch> object = cairn.get(Scratch.class, "caller");
        postOutside(object, "hello", "status");

        Webhook.Received request = webhook.next(WAIT);
        assertEquals("hello", request.body());
        object.call(s -> { s.ctx.storage().put("other", 1); return null; });
        assertEquals(1L, stored(object, "other"), "answered while the webhook holds the request");
        assertNull(stored(object, "status"));

        request.answer(202);
        cairn.awaitOutsideWork(object);
        assertEquals(202L, stored(object, "status"));
        cairn.restart();
        assertEquals(202L, stored(cairn.get(Scratch.class, "caller"), "status"), "the outcome's writes were committed");
    }

    @Test
    void workAskedForByAFailedEventNeverStarts() throws Exception {
        Stub<Scratch> object = cairn.get(Scratch.class, "failing");
        assertThrows(ObjectException.class, () -> object.call(s -> {
            s.ctx.outside(() -> post("from the failed call"), outcome -> s.ctx.storage().put("status", outcome.get()));
            throw new IllegalStateException("fails after asking");
        }));
        postOutside(object, "from the next call", "status");

        Webhook.Received first = webhook.next(WAIT);
        assertEquals("from the next call", first.body(), "the failed call's request was never sent (output gate)");
        first.answer(200);
        cairn.awaitOutsideWork(object);
        assertEquals(200L, stored(object, "status"));
    }

    @Test
    void whatTheWorkThrowsIsItsOutcomeAndStorageIsRefusedOffTheObjectsThread() {
        Stub<Scratch> object = cairn.get(Scratch.class, "thrower");
        object.call(s -> {
            s.ctx.outside(() -> s.ctx.storage().get("anything"), outcome -> s.ctx.storage().put("error",
                    outcome instanceof Outcome.Failure<Object>(Exception e) ? e.getMessage() : "none"));
            return null;
        });
        cairn.awaitOutsideWork(object);
        String error = (String) stored(object, "error");
        assertTrue(error.contains("used outside its own thread; use it only while an event runs"), error);
    }

    @Test
    void theOutcomeOfWorkStartedByAnInstanceThatWasResetIsDropped() throws Exception {
        Stub<Scratch> object = cairn.get(Scratch.class, "reset");
        postOutside(object, "before the reset", "status");
        Webhook.Received request = webhook.next(WAIT);
        assertThrows(ObjectException.class, () -> object.call(s -> { throw new IllegalStateException("resets the instance"); }));

        request.answer(200);
        cairn.awaitOutsideWork(object);
        assertNull(stored(object, "status"), "the new instance never asked for it");
    }

    @Test
    void pendingWorkKeepsTheObjectActiveUntilItEnds() throws Exception {
        Stub<Scratch> object = cairn.get(Scratch.class, "pending");
        object.call(s -> { s.ctx.waitUntil(() -> post("outlives the reply")); return null; });
        Webhook.Received request = webhook.next(WAIT);

        assertEquals(0, cairn.passIdleTimeout(), "not evicted while its work runs");
        assertTrue(cairn.isActive(object));
        request.answer(200);
        cairn.awaitOutsideWork(object);
        assertEquals(1, cairn.passIdleTimeout());
        assertFalse(cairn.isActive(object));
    }

    @Test
    void workPastTheLimitIsInterruptedAndNoLongerKeepsTheObjectActive() throws Exception {
        Stub<Scratch> object = cairn.get(Scratch.class, "overdue");
        CountDownLatch never = new CountDownLatch(1);
        object.call(s -> {
            s.ctx.outside(() -> { never.await(); return "done"; }, outcome -> s.ctx.storage().put("outcome",
                    outcome instanceof Outcome.Failure<String>(Exception e) ? e.getClass().getSimpleName() : outcome.get()));
            return null;
        });

        cairn.clock().advance(Duration.ofSeconds(61));
        object.call(s -> null); // active again: only the work's limit has passed, not the idle timeout
        cairn.sweep();
        cairn.awaitOutsideWork(object);
        assertEquals("InterruptedException", stored(object, "outcome"));
        assertEquals(1, cairn.passIdleTimeout());
    }

    @Test
    void workCanBeStartedOnlyWhileAnEventRuns() {
        Stub<Scratch> object = cairn.get(Scratch.class, "nested");
        object.call(s -> {
            s.ctx.outside(() -> { s.ctx.waitUntil(() -> "never"); return "started"; },
                    outcome -> s.ctx.storage().put("error", outcome instanceof Outcome.Failure<String>(Exception e) ? e.getMessage() : "none"));
            return null;
        });
        cairn.awaitOutsideWork(object);
        assertEquals("work outside the events of scratch/" + object.id() + " can be started only while one of its events runs, on its own thread",
                stored(object, "error"));
    }
}
