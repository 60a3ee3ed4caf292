package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.CairnProcess;
import dev.cairn.Tmpfs;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A leader whose disk fills up hands the groups it leads to the other members, which serve its
 * objects within seconds with every value acknowledged; once it has room again and is restarted (the
 * groups it followed gave up their copies on it), or started on an empty disk when its Raft metadata
 * did not survive, it is whole, leads its groups again and serves every value. Node n1's
 * data directory is a tmpfs of its own, which only root may mount: elsewhere the test is skipped,
 * saying so.
 */
class FullDiskLeaderIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLeaderWhoseDiskIsFullHandsItsGroupsOverAndLeadsAgainAfterARestartWithRoom() throws Exception {
        assumeFalse(CairnProcess.nativeBinary(), "cluster mode runs on the JVM only (README: Cluster)"); // before mounting anything
        Files.createDirectories(Path.of("target/cluster-it"));
        Path dir = Files.createTempDirectory(Path.of("target/cluster-it").toAbsolutePath(), "full-disk-");
        Path n1 = Files.createDirectories(dir.resolve("n1"));
        assumeTrue(Tmpfs.mount(n1, "256m"),
                "mounting a tmpfs as a node's data directory needs root (and mount)");
        try (LocalCluster cluster = LocalCluster.up(3, dir)) {
            cluster.awaitLeadershipSpread("n2", Duration.ofSeconds(60));
            String counter = null;
            long value = 0;
            for (int i = 0; counter == null; i++) {
                assertTrue(i < 100, "no counter of 100 is led by n1");
                String name = "full-" + i + "-" + UUID.randomUUID();
                HttpResponse<String> answer = increment(cluster, "n2", name);
                assertEquals(200, answer.statusCode(), answer.body());
                if (answer.headers().firstValue("Cairn-Owner").orElse("").equals("n1")) {
                    counter = name;
                    value = JSON.readTree(answer.body()).get("value").asLong();
                }
            }
            String led = counter;

            Path filler = n1.resolve("filler");
            Tmpfs.fill(filler);
            long filled = System.nanoTime();
            HttpResponse<String> served = LocalCluster.retryingUnavailable(() -> increment(cluster, "n2", led), Instant.now().plusSeconds(60));
            assertEquals(200, served.statusCode(), served.body());
            assertNotEquals("n1", served.headers().firstValue("Cairn-Owner").orElse(""), "another member leads the group now");
            assertEquals(value + 1, JSON.readTree(served.body()).get("value").asLong(), "no write refused on n1 was kept");
            System.out.printf("FullDiskLeaderIT: n1's objects served by %s %d ms after its disk was full%n",
                    served.headers().firstValue("Cairn-Owner").orElse("?"), (System.nanoTime() - filled) / 1_000_000);
            assertTrue(Files.readString(cluster.log("n1")).contains("data directory refuses writes"), "n1 says why it hands over");

            Files.delete(filler);
            var restarted = cluster.restart("n1");
            if (restarted.exitCode() != 0) {
                // A vote or a new term that found the disk full left a group's Raft metadata empty (Apache Ratis
                // 3.2.2 commits a failed write): n1 says so and what to do, and starts again on a new, empty disk.
                assertTrue(Files.readString(cluster.log("n1")).contains("Delete this node's data directory"), restarted.output());
                assertTrue(Tmpfs.unmount(n1));
                var fresh = cluster.start("n1");
                assertEquals(0, fresh.exitCode(), fresh.output());
                System.out.println("FullDiskLeaderIT: n1 could not start on its Raft metadata; started again on an empty data directory");
            }
            cluster.awaitEveryNodeReady(Duration.ofSeconds(60));
            // Its groups come back to it: started on an empty data directory, it catches up from leaders that had
            // recorded it as holding every entry (CatchUpAppender).
            cluster.awaitLeadershipSpread("n2", Duration.ofSeconds(60));
            HttpResponse<String> back = LocalCluster.retryingUnavailable(() -> increment(cluster, "n1", led), Instant.now().plusSeconds(60));
            assertEquals(200, back.statusCode(), back.body());
            assertEquals("n1", back.headers().firstValue("Cairn-Owner").orElse(""), "n1 leads its groups again");
            assertEquals(value + 2, JSON.readTree(back.body()).get("value").asLong());
        } finally {
            Tmpfs.unmount(n1); // false when it was unmounted above: nothing to undo then
        }
    }

    private static HttpResponse<String> increment(LocalCluster cluster, String node, String counter) throws Exception {
        return cluster.send(node, "POST", "/objects/counter/" + counter + "/increment", "{}");
    }


}
