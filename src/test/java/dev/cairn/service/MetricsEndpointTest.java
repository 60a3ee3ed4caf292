package dev.cairn.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Alarmed;
import dev.cairn.MetricsScrape;
import dev.cairn.Probe;
import dev.cairn.api.ObjectException;
import dev.cairn.api.Stub;
import dev.cairn.sockets.WsClient;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code /q/metrics} in Prometheus text format, scraped over HTTP around real calls, alarms and sockets. */
@QuarkusTest
class MetricsEndpointTest {
    final CairnTestKit cairn = CairnTestKit.inQuarkus();

    @TestHTTPResource("/")
    URI root;

    @Test
    void callsErrorsAndCommitsOfANamespaceAreCounted() {
        String name = "m-" + UUID.randomUUID();
        var alarmed = cairn.get(Alarmed.class, name);
        MetricsScrape before = MetricsScrape.now();
        for (int i = 1; i <= 6; i++) {
            alarmed.call(Alarmed::runs);
        }
        given().get("/objects/probe/{n}/fetch/throw", name).then().statusCode(500); // object code threw
        MetricsScrape after = MetricsScrape.now();

        assertEquals(6, after.calls("alarmed", "ok") - before.calls("alarmed", "ok"));
        assertEquals(0, after.calls("alarmed", "object_error") - before.calls("alarmed", "object_error"));
        assertEquals(1, after.calls("probe", "object_error") - before.calls("probe", "object_error"));
        assertEquals(0, after.calls("probe", "ok") - before.calls("probe", "ok"), "the probe's only call failed");
        // Each call ran alone, so each had its own commit (the failed one committed its rolled-back batch too).
        String[] calls = {"namespace", "alarmed"};
        String[] probe = {"namespace", "probe"};
        assertEquals(6, after.value("cairn_commit_seconds_count", calls) - before.value("cairn_commit_seconds_count", calls));
        assertEquals(1, after.value("cairn_commit_seconds_count", probe) - before.value("cairn_commit_seconds_count", probe));
        assertTrue(after.value("cairn_commit_seconds_sum", calls) > before.value("cairn_commit_seconds_sum", calls));
        assertTrue(after.value("cairn_objects_active") >= 2, "both objects are active");
    }

    @Test
    void anOverloadMovesTheOverloadCounterAndQueuedCallsShowInTheMailboxGauges() throws Exception {
        String name = "m-" + UUID.randomUUID();
        var probe = cairn.get(Probe.class, name);
        MetricsScrape before = MetricsScrape.now();
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = probe.send(p -> p.hold(started, release));
        started.await();
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // the probe namespace's mailbox holds 8
            queued.add(probe.send(Probe::touch).toCompletableFuture());
        }
        given().get("/objects/probe/{n}/fetch/x", name).then().statusCode(503).body(containsString("Too many requests queued"));
        MetricsScrape during = MetricsScrape.now();
        release.countDown();
        held.toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (var q : queued) {
            q.get(10, TimeUnit.SECONDS);
        }
        MetricsScrape after = MetricsScrape.now();

        assertEquals(8, during.value("cairn_mailbox_queued"));
        assertEquals(8, during.value("cairn_mailbox_queued_max"));
        assertEquals(0, after.value("cairn_mailbox_queued"));
        String[] full = {"namespace", "probe", "reason", "mailbox_full"};
        assertEquals(1, after.value("cairn_overloads_total", full) - before.value("cairn_overloads_total", full));
        assertEquals(1, after.calls("probe", "overloaded") - before.calls("probe", "overloaded"));
        assertEquals(9, after.calls("probe", "ok") - before.calls("probe", "ok"), "the held call and the 8 queued");
        // The 8 queued calls ran as one batch: one commit for 8 calls.
        String[] probeCommits = {"namespace", "probe"};
        assertEquals(9, after.value("cairn_commit_calls_sum", probeCommits) - before.value("cairn_commit_calls_sum", probeCommits));
        assertEquals(2, after.value("cairn_commit_calls_count", probeCommits) - before.value("cairn_commit_calls_count", probeCommits));
    }

    @Test
    void alarmOutcomesAndLagAreCounted() throws Exception {
        String onTime = "m-" + UUID.randomUUID();
        String failing = "m-" + UUID.randomUUID();
        cairn.fireDueAlarms(); // whatever other tests left due has run: only this test's alarms count
        MetricsScrape before = MetricsScrape.now();
        try {
            // Due at once: the node's timer fires it, so its lag is measured.
            setAlarm(onTime, Duration.ZERO);
            cairn.fireDueAlarms(); // returns once that run's outcome is recorded
            assertEquals(1, Alarmed.ATTEMPTS.get(onTime).size());

            // Due in a day, run now by hand (no lag for a forced run) while the handler throws: the first run and
            // the six retries (cairn.alarms.max-retries) fail, the last failure drops the alarm.
            Alarmed.BEHAVIOUR.put(failing, (self, info) -> {
                throw new IllegalStateException("failing on purpose");
            });
            var alarmed = setAlarm(failing, Duration.ofDays(1));
            for (int attempt = 1; attempt <= 7; attempt++) {
                var failed = assertThrows(Exception.class, () -> cairn.runAlarm(alarmed));
                assertTrue(failed instanceof ObjectException || failed.getCause() instanceof ObjectException,
                        "attempt " + attempt + ": " + failed);
            }
        } finally {
            Alarmed.BEHAVIOUR.remove(failing);
        }
        MetricsScrape after = MetricsScrape.now();

        String[] succeeded = {"outcome", "succeeded"};
        String[] retried = {"outcome", "retried"};
        String[] dropped = {"outcome", "dropped"};
        assertEquals(1, after.value("cairn_alarms_total", succeeded) - before.value("cairn_alarms_total", succeeded));
        assertEquals(6, after.value("cairn_alarms_total", retried) - before.value("cairn_alarms_total", retried));
        assertEquals(1, after.value("cairn_alarms_total", dropped) - before.value("cairn_alarms_total", dropped));
        assertEquals(1, after.value("cairn_alarms_lag_seconds_count") - before.value("cairn_alarms_lag_seconds_count"),
                "the timer's run; forced runs have no lag");
        assertEquals(1, after.value("cairn_alarms_lag_seconds_bucket", "le", "+Inf")
                - before.value("cairn_alarms_lag_seconds_bucket", "le", "+Inf"), "the histogram has the run too");
    }

    /** Sets the alarm of object {@code name} of namespace {@code alarmed} {@code in} from now. */
    private Stub<Alarmed> setAlarm(String name, Duration in) {
        var alarmed = cairn.get(Alarmed.class, name);
        Instant at = cairn.clock().instant().plus(in);
        alarmed.call(a -> {
            a.ctx.storage().setAlarm(at);
            return null;
        });
        return alarmed;
    }

    @Test
    void openSocketsAreGaugedPerNamespace() {
        String room = "m-" + UUID.randomUUID();
        String[] sockets = {"namespace", "socket-probe"};
        MetricsScrape before = MetricsScrape.now();
        try (WsClient ada = WsClient.connect(socketTo(room, "ada"))) {
            ada.next(); // the welcome: the object's onOpen ran, so ada's socket is listed
            try (WsClient bob = WsClient.connect(socketTo(room, "bob"))) {
                bob.next();
                MetricsScrape both = MetricsScrape.now();
                bob.close(1000, "bye");
                assertEquals("left bob 1000", ada.next(), "bob's leave: the object's onClose ran, after his socket was unlisted");
                MetricsScrape one = MetricsScrape.now();

                assertEquals(2, both.value("cairn_sockets_open", sockets) - before.value("cairn_sockets_open", sockets));
                assertEquals(1, one.value("cairn_sockets_open", sockets) - before.value("cairn_sockets_open", sockets));
                assertEquals(0, one.value("cairn_sockets_open", "namespace", "probe"), "a namespace without sockets");
            }
        }
    }

    private URI socketTo(String name, String user) {
        return URI.create("ws://" + root.getHost() + ":" + root.getPort() + "/objects/socket-probe/" + name + "/ws?name=" + user);
    }
}
