package dev.cairn.engine;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Probe;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code /q/metrics} in Prometheus text format, scraped over HTTP around real calls. */
@QuarkusTest
class MetricsEndpointTest {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Inject
    Engine engine;

    /** One scrape: every sample by its name and labels. */
    record Scrape(List<Sample> samples) {
        record Sample(String name, Map<String, String> labels, double value) {}

        static Scrape now() {
            // What Prometheus asks for when it does not want OpenMetrics (the default for other clients).
            String text = given().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200)
                    .contentType(startsWith("text/plain")).extract().asString();
            List<Sample> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (line.startsWith("#") || !m.matches()) {
                    continue;
                }
                Map<String, String> labels = new HashMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
            }
            return new Scrape(samples);
        }

        /** The value of the one sample with this name and (at least) these labels, given as name, value, …. */
        double value(String name, String... labels) {
            List<Sample> found = samples.stream().filter(s -> s.name.equals(name) && hasLabels(s, labels)).toList();
            assertEquals(1, found.size(), () -> name + " " + String.join(",", labels) + ": " + found);
            return found.getFirst().value;
        }

        private static boolean hasLabels(Sample s, String... labels) {
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels.get(labels[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    private static double calls(Scrape s, String namespace, String outcome) {
        return s.value("cairn_calls_total", "namespace", namespace, "outcome", outcome);
    }

    @Test
    void callsErrorsAndCommitsOfANamespaceAreCounted() {
        String name = "m-" + UUID.randomUUID();
        Scrape before = Scrape.now();
        for (int i = 1; i <= 5; i++) {
            given().post("/objects/counter/{n}/increment", name).then().statusCode(200);
        }
        given().get("/objects/counter/{n}", name).then().statusCode(200);
        given().get("/objects/probe/{n}/fetch/throw", name).then().statusCode(500); // object code threw
        Scrape after = Scrape.now();

        assertEquals(6, calls(after, "counter", "ok") - calls(before, "counter", "ok"));
        assertEquals(0, calls(after, "counter", "object_error") - calls(before, "counter", "object_error"));
        assertEquals(1, calls(after, "probe", "object_error") - calls(before, "probe", "object_error"));
        assertEquals(0, calls(after, "probe", "ok") - calls(before, "probe", "ok"), "the probe's only call failed");
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
        var probe = engine.of(Probe.class).getByName(name);
        Scrape before = Scrape.now();
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = probe.send(p -> p.hold(started, release));
        started.await();
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // the probe namespace's mailbox holds 8
            queued.add(probe.send(Probe::touch).toCompletableFuture());
        }
        given().get("/objects/probe/{n}/fetch/x", name).then().statusCode(503).body(containsString("Too many requests queued"));
        Scrape during = Scrape.now();
        release.countDown();
        held.toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (var q : queued) {
            q.get(10, TimeUnit.SECONDS);
        }
        Scrape after = Scrape.now();

        assertEquals(8, during.value("cairn_mailbox_queued"));
        assertEquals(8, during.value("cairn_mailbox_queued_max"));
        assertEquals(0, after.value("cairn_mailbox_queued"));
        String[] full = {"namespace", "probe", "reason", "mailbox_full"};
        assertEquals(1, after.value("cairn_overloads_total", full) - before.value("cairn_overloads_total", full));
        assertEquals(1, calls(after, "probe", "overloaded") - calls(before, "probe", "overloaded"));
        assertEquals(9, calls(after, "probe", "ok") - calls(before, "probe", "ok"), "the held call and the 8 queued");
        // The 8 queued calls ran as one batch: one commit for 8 calls.
        String[] probeCommits = {"namespace", "probe"};
        assertEquals(9, after.value("cairn_commit_calls_sum", probeCommits) - before.value("cairn_commit_calls_sum", probeCommits));
        assertEquals(2, after.value("cairn_commit_calls_count", probeCommits) - before.value("cairn_commit_calls_count", probeCommits));
    }
}
