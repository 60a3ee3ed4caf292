package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes started by {@code deploy/local-cluster.sh}, one of them killed: the groups it led elect
 * new leaders among the other two, which serve its objects within seconds with every acknowledged
 * write; restarted, it rebuilds its copies from the Raft log and serves again. One stopped (SIGSTOP)
 * while clients give up on their calls to it is reached again as soon as it continues. A node whose
 * configuration disagrees with the cluster its data directory belongs to refuses to start.
 */
class NodeFailureIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXITED = Pattern.compile("(n\\d+) exited with code (\\d+) before it was ready");
    private static LocalCluster cluster;

    @BeforeAll
    static void up() throws Exception {
        Files.createDirectories(Path.of("target/cluster-it"));
        Path dir = Files.createTempDirectory(Path.of("target/cluster-it").toAbsolutePath(), "failure-");
        long started = System.nanoTime();
        cluster = LocalCluster.up(3, dir);
        System.out.printf("NodeFailureIT: 3 nodes ready in %d ms (logs in %s)%n", (System.nanoTime() - started) / 1_000_000, dir);
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static long value(HttpResponse<String> answer) throws Exception {
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body()).get("value").asLong();
    }

    /** Counters {@code name -> value} incremented through every node, with the owner each answer named. */
    private static Map<String, String> countersWithOwners(Map<String, Long> values, String prefix) throws Exception {
        // From the same start each time: every group on its preferred leader, after the last test's faults.
        cluster.awaitLeadershipSpread(cluster.nodeIds().getFirst(), Duration.ofSeconds(120));
        Map<String, String> owners = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            String name = prefix + i;
            String via = cluster.nodeIds().get(i % 3);
            String body = "{\"by\": " + (i + 1) + "}";
            var answer = LocalCluster.retryingUnavailable(() -> cluster.send(via, "POST", "/objects/counter/" + name + "/increment", body),
                    Instant.now().plusSeconds(60));
            values.put(name, value(answer));
            owners.put(name, answer.headers().firstValue("Cairn-Owner").orElseThrow());
        }
        return owners;
    }

    /** Increments through {@code via} until it is answered (at most {@code limit}): 503s are retried, as clients do. */
    private static HttpResponse<String> incrementServed(String via, String name, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            var answer = cluster.send(via, "POST", "/objects/counter/" + name + "/increment", "{}");
            if (answer.statusCode() != 503 || System.nanoTime() > deadline) {
                return answer;
            }
            JsonNode problem = JSON.readTree(answer.body());
            assertTrue(problem.get("retryable").asBoolean(), answer.body());
            Thread.sleep(50);
        }
    }

    @Test
    void aKilledLeadersObjectsAreServedByTheOthersWithinSecondsAndItCatchesUpOnRestart() throws Exception {
        Map<String, Long> values = new LinkedHashMap<>();
        Map<String, String> owners = countersWithOwners(values, "kept-" + UUID.randomUUID() + "-");
        assertTrue(owners.containsValue("n2") && owners.values().stream().anyMatch(o -> !o.equals("n2")), owners.toString());

        var killed = cluster.kill("n2");
        long killedAt = System.nanoTime();
        assertEquals(0, killed.exitCode(), killed.output());
        assertTrue(killed.output().matches("(?s)n2 pid=\\d+ killed\\s*"), killed.output());

        long slowest = 0;
        for (var object : owners.entrySet()) {
            var answer = incrementServed("n1", object.getKey(), Duration.ofSeconds(10));
            assertEquals(values.get(object.getKey()) + 1, value(answer), object.getKey() + ": every acknowledged increment kept");
            values.merge(object.getKey(), 1L, Long::sum);
            assertNotEquals("n2", answer.headers().firstValue("Cairn-Owner").orElseThrow());
            if (object.getValue().equals("n2")) {
                slowest = Math.max(slowest, System.nanoTime() - killedAt);
            }
        }
        System.out.printf("NodeFailureIT: the killed leader's objects were served again within %d ms%n", slowest / 1_000_000);
        assertTrue(slowest < Duration.ofSeconds(5).toNanos(), "failover took " + slowest / 1_000_000 + " ms");
        for (String via : List.of("n1", "n3")) {
            assertEquals(200, cluster.send(via, "GET", "/q/health/ready", null).statusCode(),
                    via + " still reaches a majority (itself and one other): it stays ready");
        }

        var restarted = cluster.start("n2");
        assertEquals(0, restarted.exitCode(), restarted.output());
        assertTrue(restarted.output().matches("(?s)n2 pid=\\d+ http=" + Pattern.quote(cluster.url("n2")) + "\\s*"), restarted.output());
        cluster.awaitEveryNodeReady(Duration.ofSeconds(30));
        for (var object : owners.entrySet()) {
            var answer = incrementServed("n2", object.getKey(), Duration.ofSeconds(10));
            assertEquals(values.get(object.getKey()) + 1, value(answer), "n2 " + object.getKey() + " (owner " + object.getValue() + ")");
            values.merge(object.getKey(), 1L, Long::sum);
        }
    }

    /**
     * An owner that stops answering (SIGSTOP) while clients give up on more calls forwarded to it than
     * a node keeps connections to it: once it continues and leads its groups again, calls through the
     * other nodes reach it. (An abandoned call gives its pooled connection back; the pool once kept every one of
     * them, and forwarding to that owner never worked again.)
     */
    @Test
    void callsAbandonedWhileTheirOwnerWasStoppedLeaveForwardingToItWorking() throws Exception {
        Map<String, Long> values = new LinkedHashMap<>();
        List<String> ofN2 = countersWithOwners(values, "paused-" + UUID.randomUUID() + "-").entrySet().stream()
                .filter(o -> o.getValue().equals("n2")).map(Map.Entry::getKey).toList();
        assertFalse(ofN2.isEmpty());

        var stopped = cluster.stop("n2");
        assertEquals(0, stopped.exitCode(), stopped.output());
        assertTrue(stopped.output().matches("(?s)n2 pid=\\d+ stopped \\(SIGSTOP\\)\\s*"), stopped.output());
        HttpClient impatient = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<Void>>> abandoned = new ArrayList<>();
        for (int i = 0; i < 3 * 64; i++) { // three times the connections a node keeps per owner
            abandoned.add(impatient.sendAsync(HttpRequest.newBuilder(URI.create(cluster.url("n1") + "/objects/counter/"
                            + ofN2.get(i % ofN2.size()) + "/increment")).timeout(Duration.ofSeconds(1))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).header("content-type", "application/json").build(),
                    HttpResponse.BodyHandlers.discarding()));
        }
        for (var call : abandoned) {
            // Those sent before the groups n2 led elected new leaders get no answer: the client gives up.
            call.handle((answer, error) -> null).get();
        }
        var continued = cluster.cont("n2");
        assertEquals(0, continued.exitCode(), continued.output());

        // n2 catches up and takes back the groups it prefers (the balancer); then n1 forwards to it again.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (String name : ofN2) {
            while (true) {
                var answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cluster.url("n1") + "/objects/counter/" + name))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.headers().firstValue("Cairn-Owner").orElseThrow().equals("n2")) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, "through n1, after n2 continued: " + answer.statusCode() + " " + answer.body()
                        + " owner " + answer.headers().firstValue("Cairn-Owner"));
                Thread.sleep(100);
            }
        }
    }

    /**
     * The fence: a node's data directory belongs to the cluster it was first started in. Started
     * with another shard count or another member list, the node exits (non-zero) naming the
     * difference; with its own settings it starts again.
     */
    @Test
    void aNodeStartedWithAnotherShardCountOrMemberListRefusesToStart() throws Exception {
        var killed = cluster.kill("n3");
        assertEquals(0, killed.exitCode(), killed.output());
        String otherMembers = cluster.members() + ",n4=http://127.0.0.1:1"; // a fourth node, never started

        for (var wrong : Map.of("cairn.cluster.shards", "-Dcairn.cluster.shards=32",
                "cairn.cluster.members", "-Dcairn.cluster.members=" + otherMembers).entrySet()) {
            long logBefore = Files.size(cluster.log("n3"));
            var refused = cluster.start("n3", wrong.getValue());
            assertNotEquals(0, refused.exitCode(), "started with " + wrong.getValue() + ":\n" + refused.output());
            Matcher exited = EXITED.matcher(refused.output());
            assertTrue(exited.find(), refused.output());
            assertEquals("n3", exited.group(1));
            assertNotEquals("0", exited.group(2), "the node's own exit code");
            String log = Files.readString(cluster.log("n3")).substring((int) logBefore);
            assertTrue(log.contains(wrong.getKey()), "the log names " + wrong.getKey() + ":\n" + log);
            assertFalse(Files.exists(cluster.log("n3").resolveSibling("n3.pid")), "no pid file left for a node that is gone");
        }

        var restarted = cluster.start("n3");
        assertEquals(0, restarted.exitCode(), restarted.output());
        cluster.awaitEveryNodeReady(Duration.ofSeconds(30));
    }
}
