package dev.cairn.runtime;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Probe;
import dev.cairn.api.Namespace;
import dev.cairn.api.ObjectException;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Activation, reset, eviction, overload and fetch, observed through a probe object and real HTTP. */
@QuarkusTest
class ObjectLifecycleTest {
    /** The running service's node and its clock, which stands still until a test moves it. */
    final CairnTestKit cairn = CairnTestKit.inQuarkus();

    Namespace<Probe> probes;
    String name;
    Stub<Probe> probe;

    @BeforeEach
    void setUp() {
        probes = cairn.namespace(Probe.class);
        name = "p-" + UUID.randomUUID();
        probe = probes.getByName(name);
    }

    private int constructions() {
        var n = Probe.CONSTRUCTIONS.get(probe.id().toString());
        return n == null ? 0 : n.get();
    }

    @Test
    void creatingAStubDoesNotActivateTheObject() {
        assertEquals(0, constructions());
        assertTrue(Files.notExists(cairn.node().catalog().databaseFile(probe.id())));
        probe.call(Probe::touch);
        assertEquals(1, constructions());
        assertTrue(Files.exists(cairn.node().catalog().databaseFile(probe.id())), "each object has its own SQLite file");
    }

    @Test
    void theContextKnowsTheNameTheObjectWasAddressedBy() {
        assertEquals(name, probe.call(p -> p.ctx().id().name().orElseThrow()));
        assertEquals(probe.id(), probes.idFromString(probe.id().toString()));
    }

    @Test
    void anActivationByIdLearnsTheNameFromTheFirstCallByName() {
        Stub<Probe> byId = probes.get(probes.idFromString(probe.id().toString()));
        assertEquals(Optional.empty(), byId.call(p -> p.ctx().id().name()), "activated by id: no name yet");
        probe.call(p -> p.ctx().id().name());
        assertEquals(Optional.of(name), byId.call(p -> p.ctx().id().name()), "the same activation, reached by name once");
    }

    @Test
    void aCallThatWritesThenThrowsLeavesNoTraceAndResetsTheInstance() {
        probe.call(p -> { p.put("kept", "1"); return null; });
        assertEquals(1, probe.call(Probe::touch));
        var e = assertThrows(ObjectException.class, () -> probe.call(p -> { p.putThenThrow("lost", "2"); return null; }));
        assertEquals("refusing after writing lost", e.getMessage());
        assertTrue(e.remote());
        assertNull(probe.call(p -> p.get("lost")));
        assertEquals("1", probe.call(p -> p.get("kept")));
        assertEquals(1, probe.call(Probe::touch), "the instance was reset: its memory is gone");
        assertEquals(2, constructions(), "the constructor ran again");
    }

    @Test
    void anExceptionFromObjectCodeIsA500WithItsMessageAndRollsBack() {
        given().get("/objects/probe/{n}/fetch/throw", name).then().statusCode(500)
                .body("type", equalTo("https://cairn.dev/problems/object-error"))
                .body("detail", equalTo("refusing after writing fetched"))
                .body("remote", equalTo(true)).body("retryable", equalTo(false));
        assertNull(probe.call(p -> p.get("fetched")));
    }

    @Test
    void anAbortIsA500WithItsReasonAndRollsBackAndResets() {
        probe.call(Probe::touch);
        given().get("/objects/probe/{n}/fetch/abort", name).then().statusCode(500)
                .body("type", equalTo("https://cairn.dev/problems/aborted"))
                .body("detail", equalTo("aborted after writing fetched"))
                .body("remote", equalTo(true)).body("retryable", equalTo(false));
        assertNull(probe.call(p -> p.get("fetched")));
        assertEquals(1, probe.call(Probe::touch), "the instance was reset: its memory is gone");
        assertEquals(2, constructions());
    }

    @Test
    void aFetchPastItsTimeLimitIsA500AtOnceAndRollsBackWhenItsCodeReturns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Probe.HOLDS.put(probe.id().toString(), new Probe.Hold(started, release));
        var answer = CompletableFuture.supplyAsync(() -> given().get("/objects/probe/{n}/fetch/hold", name));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        cairn.clock().advance(java.time.Duration.ofSeconds(31));
        cairn.sweep(); // the housekeeper's pass, at once
        answer.get(10, TimeUnit.SECONDS).then().statusCode(500)
                .body("type", equalTo("https://cairn.dev/problems/event-timeout"))
                .body("detail", startsWith("the fetch of probe/" + probe.id() + " ran past its time limit of 30000 ms"))
                .body("retryable", equalTo(false));
        release.countDown();
        assertNull(probe.call(p -> p.get("fetched")), "rolled back once its code returned");
        assertEquals(2, constructions(), "the instance was reset");
    }

    @Test
    void anIdleObjectIsEvictedAndComesBackWithItsStorageButNotItsMemory() {
        probe.call(p -> { p.put("k", "v"); return null; });
        probe.call(Probe::touch);
        assertEquals(2, probe.call(Probe::touch));
        cairn.passIdleTimeout(); // (the background sweep may have been first)
        assertEquals(1, probe.call(Probe::touch), "memory was dropped");
        assertEquals(2, constructions(), "the constructor ran again");
        assertEquals("v", probe.call(p -> p.get("k")), "storage is intact");
    }

    @Test
    void aBusyObjectIsNotEvicted() throws Exception {
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = probe.send(p -> p.hold(started, release));
        started.await();
        cairn.passIdleTimeout();
        release.countDown();
        assertEquals("released", held.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(1, constructions());
    }

    @Test
    void aFullMailboxAnswers503AtOnceTellingTheClientToBackOffForRetryAfterNotToRetryAtOnce() throws Exception {
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = probe.send(p -> p.hold(started, release));
        started.await();
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // the probe namespace's mailbox holds 8
            queued.add(probe.send(Probe::touch).toCompletableFuture());
        }
        given().get("/objects/probe/{n}/fetch/x", name).then().statusCode(503)
                .header("Retry-After", "1")
                .body("type", equalTo("https://cairn.dev/problems/overloaded"))
                .body("overloaded", equalTo(true)).body("retryable", equalTo(false))
                .body("detail", containsString("Too many requests queued"));
        release.countDown();
        held.toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 8; i++) {
            assertEquals(i + 1, queued.get(i).get(10, TimeUnit.SECONDS), "queued calls run in order");
        }
    }

    @Test
    void aCallQueuedPastTheDeadlineFailsAsOverloadedWithoutRunning() throws Exception {
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        probe.send(p -> p.hold(started, release));
        started.await();
        var late = probe.send(p -> { p.put("late", "ran"); return null; }).toCompletableFuture();
        cairn.clock().advance(cairn.node().settings().queueDeadline().plusSeconds(1));
        cairn.sweep();
        var e = assertThrows(CompletionException.class, late::join);
        var overloaded = assertInstanceOf(OverloadedException.class, e.getCause());
        assertTrue(overloaded.getMessage().startsWith("Requests queued for too long"), overloaded.getMessage());
        release.countDown();
        assertNull(probe.call(p -> p.get("late")), "the expired call never ran");
    }

    @Test
    void fetchPassesMethodPathQueryHeadersAndBodyAndReturnsTheResponseUnchanged() {
        given().header("X-Probe-One", "1").body("hello body")
                .put("/objects/probe/{n}/fetch/a/b%20c?x=1&y=two", name)
                .then().statusCode(207)
                .header("content-type", "text/plain")
                .body(equalTo("PUT /a/b%20c?x=1&y=two {x-probe-one=[1]} hello body"));
        assertEquals(List.of("a", "b"), given().get("/objects/probe/{n}/fetch/", name).then().extract().headers().getValues("x-echo"),
                "repeated response headers keep their order");
        given().get("/ids/probe/{id}/fetch", probe.id().toString()).then().statusCode(207)
                .body(equalTo("GET /? {} "));
    }

    @Test
    void callsThatCycleBackFailAtOnceInsteadOfDeadlocking() {
        Stub<Probe> other = probes.getByName(name + "-other");
        var e = assertThrows(ObjectException.class,
                () -> probe.call(p -> other.call(o -> probe.call(Probe::touch))));
        assertTrue(e.getMessage().startsWith("call cycle: probe/" + name + " -> probe/" + name + "-other -> probe/" + name),
                e.getMessage());
    }
}
