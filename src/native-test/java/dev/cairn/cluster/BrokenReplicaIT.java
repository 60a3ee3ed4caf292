package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A follower that cannot write a committed entry into its copy of an object (here: the object's file
 * replaced by a directory) stops replicating that object's group at once, instead of applying the
 * group's later entries to a copy that lacks one, and says so: its liveness and readiness turn DOWN
 * naming the group, while the other two members go on serving every acknowledged value. Once the
 * fault is gone, a restart rebuilds the group's copy from the node's log.
 */
class BrokenReplicaIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int GROUPS = 6; // cairn.cluster.groups's default
    private static LocalCluster cluster;
    private static Path dir;

    @BeforeAll
    static void up() throws Exception {
        Files.createDirectories(Path.of("target/cluster-it"));
        dir = Files.createTempDirectory(Path.of("target/cluster-it").toAbsolutePath(), "broken-replica-");
        cluster = LocalCluster.up(3, dir);
        cluster.awaitLeadershipSpread("n1", Duration.ofSeconds(60));
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static HttpResponse<String> increment(String node, String counter) throws Exception {
        var answer = LocalCluster.retryingUnavailable(() -> cluster.send(node, "POST", "/objects/counter/" + counter + "/increment", "{}"),
                Instant.now().plusSeconds(30));
        assertEquals(200, answer.statusCode(), counter + " via " + node + ": " + answer.body());
        return answer;
    }

    private static long value(HttpResponse<String> answer) throws Exception {
        return JSON.readTree(answer.body()).get("value").asLong();
    }

    /** The one object file under {@code node}'s data directory (the cluster is fresh), once it is there. */
    private static Path objectFile(String node, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Path counters = dir.resolve(node).resolve("counter");
            if (Files.isDirectory(counters)) {
                try (Stream<Path> files = Files.walk(counters)) {
                    List<Path> found = files.filter(f -> f.getFileName().toString().endsWith(".sqlite")).toList();
                    if (found.size() == 1) {
                        return found.getFirst();
                    }
                    assertTrue(found.isEmpty(), "one counter only: " + found);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node + " holds no counter file after " + limit);
            }
            Thread.sleep(100);
        }
    }

    /** {@code node}'s answer at {@code path} once its status is {@code status}, within {@code limit}. */
    private static JsonNode awaitHealth(String node, String path, int status, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            HttpResponse<String> health = cluster.send(node, "GET", path, null);
            if (health.statusCode() == status) {
                return JSON.readTree(health.body());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node + path + " still answers " + health.statusCode() + " after " + limit + ": " + health.body());
            }
            Thread.sleep(100);
        }
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    @Test
    void aFollowerThatCannotApplyAnEntryStopsReplicatingItsGroupSaysSoAndIsWholeAfterARestart() throws Exception {
        String counter = "broken-" + UUID.randomUUID();
        HttpResponse<String> first = increment("n1", counter);
        String leader = first.headers().firstValue("Cairn-Owner").orElseThrow();
        int group = Integer.parseInt(first.headers().firstValue("Cairn-Shard").orElseThrow()) % GROUPS;
        List<String> followers = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).toList();
        String broken = followers.get(0);
        String healthy = followers.get(1);

        Path copy = objectFile(broken, Duration.ofSeconds(30));
        Files.delete(copy);
        Files.createDirectory(copy); // the next entry for this object cannot be written into it
        assertEquals(2, value(increment(leader, counter)), "committed by the leader and the other follower");

        JsonNode live = awaitHealth(broken, "/q/health/live", 503, Duration.ofSeconds(30));
        JsonNode replicas = check(live, "cairn-replicas");
        assertEquals("DOWN", replicas.path("status").asText(), live.toString());
        assertEquals(String.valueOf(group), replicas.path("data").path("closed-groups").asText(), live.toString());
        assertTrue(replicas.path("data").path("error").asText().contains("restart the node"), live.toString());
        assertEquals("DOWN", check(awaitHealth(broken, "/q/health/ready", 503, Duration.ofSeconds(5)), "cairn-replicas").path("status").asText());
        assertTrue(Files.readString(cluster.log(broken)).contains("group " + group + ": cannot write entry"), "the reason is in the log");
        for (String node : List.of(leader, healthy)) {
            assertEquals("UP", check(awaitHealth(node, "/q/health/live", 200, Duration.ofSeconds(5)), "cairn-replicas").path("status").asText());
        }
        assertEquals(3, value(increment(healthy, counter)), "the two others serve on");

        Files.delete(copy); // the fault is gone
        long logBefore = Files.size(cluster.log(broken));
        var restarted = cluster.restart(broken);
        assertEquals(0, restarted.exitCode(), restarted.output());
        cluster.awaitEveryNodeReady(Duration.ofSeconds(60));
        assertEquals("UP", check(awaitHealth(broken, "/q/health/live", 200, Duration.ofSeconds(5)), "cairn-replicas").path("status").asText());
        assertTrue(Files.isRegularFile(objectFile(broken, Duration.ofSeconds(30))), "the copy rebuilt from the node's log");
        assertEquals(4, value(increment(broken, counter)));
        String afterRestart = Files.readString(cluster.log(broken)).substring(Math.toIntExact(logBefore));
        assertFalse(afterRestart.contains("cannot write entry"), "the restarted node applied every entry: " + cluster.log(broken));
    }
}
