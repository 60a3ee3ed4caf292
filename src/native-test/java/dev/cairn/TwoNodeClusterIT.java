package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged nodes on loopback, each the other's member: one object, led by one of them, reached
 * through both; every group needs both (a majority of two), so with one of them down nothing commits
 * and calls answer retryable 503s. A namespace that requires a role is checked by the node asked and
 * by the owner; so is the admin API, whose object endpoints are the owner's. The native binary refuses cluster mode, saying why.
 */
class TwoNodeClusterIT {
    @TempDir
    Path data;

    private static void awaitReady(CairnProcess node) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (node.send("GET", "/q/health/ready", null).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "not ready after 60 s:\n" + node.output());
            Thread.sleep(100);
        }
    }

    @Test
    void anObjectLivesOnItsGroupsLeaderAndIsReachedThroughEitherNode() throws Exception {
        assumeFalse(CairnProcess.nativeBinary(), "cluster mode runs on the JVM only (see the native test below)");
        int p1 = CairnProcess.freeClusterPort();
        int p2 = CairnProcess.freeClusterPort();
        String members = "cairn.cluster.members=n1=http://127.0.0.1:" + p1 + ",n2=http://127.0.0.1:" + p2;
        String guarded = "cairn.namespaces.ratelimiter.roles-allowed=cairn-admin";
        try (var n1 = CairnProcess.start(data.resolve("n1"), p1, CairnProcess.withAdmin("cairn.cluster.node-id=n1", members, guarded));
                var n2 = CairnProcess.start(data.resolve("n2"), p2, CairnProcess.withAdmin("cairn.cluster.node-id=n2", members, guarded))) {
            n1.awaitListening();
            n2.awaitListening();
            awaitReady(n1);
            awaitReady(n2);
            // A counter led by n2: n1 forwards its calls.
            String name = ownedBy("n2", n1);
            for (int i = 1; i <= 6; i++) {
                var via = i % 2 == 0 ? n2 : n1;
                var answer = via.send("POST", "/objects/counter/" + name + "/increment", null);
                assertEquals(200, answer.statusCode(), answer.body());
                assertEquals("{\"value\":" + i + "}", answer.body(), "one sequence, whichever node is asked");
                assertEquals(Optional.of("n2"), answer.headers().firstValue("Cairn-Owner"));
                assertTrue(answer.headers().firstValue("Cairn-Shard").isPresent());
            }
            // The owner's problems come back unchanged through the other node.
            var refused = n1.send("POST", "/objects/counter/" + name + "/increment", "{\"by\": \"x\"}");
            assertEquals(400, refused.statusCode(), refused.body());
            assertEquals(refused.body(), n2.send("POST", "/objects/counter/" + name + "/increment", "{\"by\": \"x\"}").body());

            var cluster = n1.send("GET", "/cluster", null);
            assertEquals(200, cluster.statusCode());
            assertTrue(cluster.body().contains("\"node\":\"n1\"") && cluster.body().contains("\"shards\":64")
                    && cluster.body().contains("\"preferredLeader\""), cluster.body());

            // A request already forwarded once is not forwarded again.
            var misdirected = n1.send("POST", "/objects/counter/" + name + "/increment", null, "Cairn-Forwarded-By", "n2");
            assertEquals(503, misdirected.statusCode());
            assertTrue(misdirected.body().contains("https://cairn.dev/problems/misdirected"), misdirected.body());

            // A namespace that requires a role: the node asked refuses a caller without it before forwarding,
            // and the owner checks the forwarded credentials again, trusting no forwarding header.
            String limiter = "/objects/ratelimiter/" + guardedOwnedBy("n2", n1) + "/check";
            var anonymous = n1.send("POST", limiter, CHECK);
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertEquals(Optional.empty(), anonymous.headers().firstValue("Cairn-Owner"), "refused before forwarding");
            var admitted = n1.sendAsAdmin("POST", limiter, CHECK);
            assertEquals(200, admitted.statusCode(), admitted.body());
            assertEquals(Optional.of("n2"), admitted.headers().firstValue("Cairn-Owner"), "forwarded with its credentials");
            var pretending = n2.send("POST", limiter, CHECK, "Cairn-Forwarded-By", "n1");
            assertEquals(401, pretending.statusCode(), pretending.body());

            // An object's admin endpoints are its owner's, asked through either node (checked before forwarding).
            String id = adminIdOf(name, n2);
            var inspected = n1.sendAsAdmin("GET", "/admin/objects/counter/" + id, null);
            assertEquals(200, inspected.statusCode(), inspected.body());
            assertEquals(Optional.of("n2"), inspected.headers().firstValue("Cairn-Owner"));
            assertTrue(inspected.body().contains("\"tables\""), inspected.body());
            var queried = n1.sendAsAdmin("POST", "/admin/objects/counter/" + id + "/query", "{\"sql\": \"SELECT 6 AS six\"}");
            assertEquals(200, queried.statusCode(), queried.body());
            assertEquals(401, n1.send("GET", "/admin/objects/counter/" + id, null).statusCode());

            String mine = ownedBy("n1", n1);
            n2.kill();
            // Without n2 no group has a majority: nothing commits, every answer is a retryable 503.
            for (String counter : List.of(name, mine)) {
                var down = n1.send("POST", "/objects/counter/" + counter + "/increment", null, Duration.ofSeconds(10));
                assertEquals(503, down.statusCode(), down.body());
                assertTrue(down.body().contains("\"retryable\":true"), down.body());
            }
            n1.stop();
        }
        // The fence: n2's data directory belongs to a cluster of 64 shards.
        try (var wrong = CairnProcess.start(data.resolve("n2"), p2, "cairn.cluster.node-id=n2", "cairn.cluster.shards=32", members)) {
            assertNotEquals(0, wrong.awaitExit());
            assertTrue(wrong.output().contains("cairn.cluster.shards is 32 but this data directory was created by a cluster of 64 shards"),
                    wrong.output());
        }
    }

    @Test
    void theNativeBinaryRefusesClusterModeSayingItRunsOnTheJvmOnly() throws Exception {
        assumeTrue(CairnProcess.nativeBinary(), "the jar runs cluster mode (the test above)");
        int p1 = CairnProcess.freeClusterPort();
        try (var n1 = CairnProcess.start(data.resolve("n1"), p1, "cairn.cluster.node-id=n1",
                "cairn.cluster.members=n1=http://127.0.0.1:" + p1 + ",n2=http://127.0.0.1:1")) {
            assertNotEquals(0, n1.awaitExit());
            assertTrue(n1.output().contains("cluster mode runs on the JVM only"), n1.output());
        }
    }

    private static final String CHECK = "{\"limit\": 100, \"windowMs\": 60000}";

    /** The id of counter {@code name}, from the listing of the node storing it. */
    private static String adminIdOf(String name, CairnProcess owner) throws Exception {
        var listed = owner.sendAsAdmin("GET", "/admin/namespaces/counter/objects?prefix=" + name, null);
        assertEquals(200, listed.statusCode(), listed.body());
        for (var o : new com.fasterxml.jackson.databind.ObjectMapper().readTree(listed.body()).get("objects")) {
            if (o.get("name").asText().equals(name)) {
                return o.get("id").asText();
            }
        }
        throw new AssertionError("counter " + name + " is not listed by its owner: " + listed.body());
    }

    /** A rate limiter name (namespace guarded: asked as the admin) whose object {@code node} owns, as {@code via} reports it. */
    private static String guardedOwnedBy(String node, CairnProcess via) throws Exception {
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = via.sendAsAdmin("POST", "/objects/ratelimiter/guarded-" + i + "/check", CHECK);
            for (int again = 0; r.statusCode() == 503 && again < 100; again++) {
                Thread.sleep(100);
                r = via.sendAsAdmin("POST", "/objects/ratelimiter/guarded-" + i + "/check", CHECK);
            }
            assertEquals(200, r.statusCode(), r.body());
            if (r.headers().firstValue("Cairn-Owner").equals(Optional.of(node))) {
                return "guarded-" + i;
            }
        }
        throw new AssertionError("no rate limiter of 100 was owned by " + node);
    }

    /**
     * A counter name whose object {@code node} owns, as {@code via} reports it (a retryable 503 while
     * leadership moves is asked again). Asked again until {@code node} leads a group: each group's
     * leader hands it to its preferred member once that member is ready, within a balance interval.
     */
    private static String ownedBy(String node, CairnProcess via) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 100; i++) {
                HttpResponse<String> r = via.send("GET", "/objects/counter/probe-" + i, null);
                for (int again = 0; r.statusCode() == 503 && again < 100; again++) {
                    assertTrue(r.body().contains("\"retryable\":true"), r.body());
                    Thread.sleep(100);
                    r = via.send("GET", "/objects/counter/probe-" + i, null);
                }
                HttpResponse<String> answer = r;
                if (answer.headers().firstValue("Cairn-Owner").orElseThrow(() -> new AssertionError("no Cairn-Owner: "
                        + answer.statusCode() + " " + answer.body())).equals(node)) {
                    return "probe-" + i;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no counter of 100 was owned by " + node + " within 60 s");
    }
}
