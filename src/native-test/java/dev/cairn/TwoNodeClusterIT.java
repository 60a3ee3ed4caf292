package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two packaged nodes on loopback, each the other's member: one object, one owner, reached through both. */
class TwoNodeClusterIT {
    @TempDir
    Path data;

    @Test
    void anObjectLivesOnItsOwnerAndIsReachedThroughEitherNode() throws Exception {
        int p1 = CairnProcess.freePort();
        int p2 = CairnProcess.freePort();
        String members = "cairn.cluster.members=n1=http://127.0.0.1:" + p1 + ",n2=http://127.0.0.1:" + p2;
        try (var n1 = CairnProcess.start(data.resolve("n1"), p1, "cairn.cluster.node-id=n1", members);
                var n2 = CairnProcess.start(data.resolve("n2"), p2, "cairn.cluster.node-id=n2", members)) {
            n1.awaitListening();
            n2.awaitListening();
            // A counter owned by n2: n1 forwards its calls.
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
            assertTrue(cluster.body().contains("\"node\":\"n1\"") && cluster.body().contains("\"shards\":64"), cluster.body());

            // A request already forwarded once is not forwarded again.
            var misdirected = n1.send("POST", "/objects/counter/" + name + "/increment", null, "Cairn-Forwarded-By", "n2");
            assertEquals(503, misdirected.statusCode());
            assertTrue(misdirected.body().contains("https://cairn.dev/problems/misdirected"), misdirected.body());

            n2.kill();
            var down = n1.send("POST", "/objects/counter/" + name + "/increment", null);
            assertEquals(503, down.statusCode());
            assertTrue(down.body().contains("owner-unreachable") && down.body().contains("node n2 at http://127.0.0.1:" + p2)
                    && down.body().contains("\"retryable\":true"), down.body());
            String mine = ownedBy("n1", n1);
            assertEquals(200, n1.send("POST", "/objects/counter/" + mine + "/increment", null).statusCode(),
                    "n1's own objects are unaffected");
            n1.stop();
        }
        // The fence: n2's data directory belongs to a cluster of 64 shards.
        try (var wrong = CairnProcess.start(data.resolve("n2"), p2, "cairn.cluster.node-id=n2", "cairn.cluster.shards=32", members)) {
            assertNotEquals(0, wrong.awaitExit());
            assertTrue(wrong.output().contains("cairn.cluster.shards is 32 but this data directory was created by a cluster of 64 shards"),
                    wrong.output());
        }
    }

    /** A counter name whose object {@code node} owns, as {@code via} reports it. */
    private static String ownedBy(String node, CairnProcess via) throws Exception {
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = via.send("GET", "/objects/counter/probe-" + i, null);
            if (r.headers().firstValue("Cairn-Owner").orElseThrow(() -> new AssertionError("no Cairn-Owner: " + r.headers()))
                    .equals(node)) {
                return "probe-" + i;
            }
        }
        throw new AssertionError("no counter of 100 is owned by " + node);
    }
}
