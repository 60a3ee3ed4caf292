package dev.cairn.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.MetricsScrape;
import dev.cairn.Probe;
import dev.cairn.Webhook;
import dev.cairn.api.ObjectException;
import dev.cairn.examples.Reminder;
import dev.cairn.sockets.WsClient;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
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
        MetricsScrape before = MetricsScrape.now();
        for (int i = 1; i <= 5; i++) {
            given().post("/objects/counter/{n}/increment", name).then().statusCode(200);
        }
        given().get("/objects/counter/{n}", name).then().statusCode(200);
        given().get("/objects/probe/{n}/fetch/throw", name).then().statusCode(500); // object code threw
        MetricsScrape after = MetricsScrape.now();

        assertEquals(6, after.calls("counter", "ok") - before.calls("counter", "ok"));
        assertEquals(0, after.calls("counter", "object_error") - before.calls("counter", "object_error"));
        assertEquals(1, after.calls("probe", "object_error") - before.calls("probe", "object_error"));
        assertEquals(0, after.calls("probe", "ok") - before.calls("probe", "ok"), "the probe's only call failed");
        // Each call ran alone, so each had its own commit (the failed one committed its rolled-back batch too).
        String[] counter = {"namespace", "counter"};
        String[] probe = {"namespace", "probe"};
        assertEquals(6, after.value("cairn_commit_seconds_count", counter) - before.value("cairn_commit_seconds_count", counter));
        assertEquals(1, after.value("cairn_commit_seconds_count", probe) - before.value("cairn_commit_seconds_count", probe));
        assertTrue(after.value("cairn_commit_seconds_sum", counter) > before.value("cairn_commit_seconds_sum", counter));
        assertTrue(after.value("cairn_objects_active") >= 2, "the counter and the probe are active");
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
        try (var hook = new Webhook()) {
            // Due at once: the node's timer fires it, so its lag is measured; the webhook takes it.
            setReminder(onTime, hook, 0);
            hook.next(Duration.ofSeconds(10)).answer(204);
            cairn.fireDueAlarms(); // returns once that run's outcome is recorded

            // Due in a day, run now by hand (no lag for a forced run) while the webhook fails: the first run and
            // the six retries (cairn.alarms.max-retries) fail, the last failure drops the alarm.
            setReminder(failing, hook, Duration.ofDays(1).toMillis());
            var reminder = cairn.get(Reminder.class, failing);
            for (int attempt = 1; attempt <= 7; attempt++) {
                var run = CompletableFuture.runAsync(() -> cairn.runAlarm(reminder));
                hook.next(Duration.ofSeconds(10)).answer(500);
                var failed = assertThrows(Exception.class, () -> run.get(10, TimeUnit.SECONDS));
                assertTrue(failed.getCause() instanceof ObjectException, "attempt " + attempt + ": " + failed);
            }
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

    private static void setReminder(String name, Webhook hook, long inMs) {
        given().contentType(ContentType.JSON).body("{\"url\": \"" + hook.url() + "\", \"message\": \"m\", \"inMs\": " + inMs + "}")
                .put("/objects/reminder/{n}", name).then().statusCode(200);
    }

    @Test
    void openSocketsAreGaugedPerNamespace() {
        String room = "m-" + UUID.randomUUID();
        String[] chat = {"namespace", "chat"};
        MetricsScrape before = MetricsScrape.now();
        try (WsClient ada = WsClient.connect(chatRoom(room, "ada"))) {
            ada.next(); // the history: the room's onOpen ran, so ada's socket is listed
            ada.next(); // her own join
            try (WsClient bob = WsClient.connect(chatRoom(room, "bob"))) {
                bob.next();
                ada.next(); // bob's join
                MetricsScrape both = MetricsScrape.now();
                bob.close(1000, "bye");
                assertTrue(ada.next().contains("\"type\":\"leave\""), "bob's leave: the room's onClose ran, after his socket was unlisted");
                MetricsScrape one = MetricsScrape.now();

                assertEquals(2, both.value("cairn_sockets_open", chat) - before.value("cairn_sockets_open", chat));
                assertEquals(1, one.value("cairn_sockets_open", chat) - before.value("cairn_sockets_open", chat));
                assertEquals(0, one.value("cairn_sockets_open", "namespace", "counter"), "a namespace without sockets");
            }
        }
    }

    private URI chatRoom(String room, String user) {
        return URI.create("ws://" + root.getHost() + ":" + root.getPort() + "/objects/chat/" + room + "/ws?user=" + user);
    }
}
