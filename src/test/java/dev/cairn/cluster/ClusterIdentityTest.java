package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.cluster.ClusterIdentity.Fence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterIdentityTest {
    private static final Map<String, String> KEYS = Map.of("counter", "secret-counter-key", "chat", "cairn-namespace:chat");

    @TempDir
    Path dir;

    private static ClusterIdentity identity(String self, String members, int shards, Map<String, String> keys) {
        Members parsed = Members.parse(self, members);
        return ClusterIdentity.of(parsed, new Shards(shards), new Groups(parsed, new Shards(shards), Groups.defaultCount(parsed, new Shards(shards)), 3), keys);
    }

    private static final String TWO = "n1=http://127.0.0.1:18081,n2=http://127.0.0.1:18082";

    @Test
    void theFirstStartWritesTheIdentityAndLaterStartsMatchIt() throws IOException {
        assertEquals(Fence.WRITTEN, identity("n1", TWO, 64, KEYS).fence(dir));
        String written = Files.readString(dir.resolve("cluster.json"));
        assertTrue(written.contains("\"n2\" : \"http://127.0.0.1:18082\""), written);
        assertFalse(written.contains("secret-counter-key"), "the key itself is never written: " + written);
        // The members in another order are the same cluster.
        assertEquals(Fence.MATCHED, identity("n1", "n2=http://127.0.0.1:18082,n1=http://127.0.0.1:18081", 64, KEYS).fence(dir));
        assertFalse(Files.exists(dir.resolve("cluster.json.tmp")));
    }

    @Test
    void aDifferentConfigurationRefusesToStartNamingEachDifference() {
        identity("n1", TWO, 64, KEYS).fence(dir);
        var e = assertThrows(IllegalStateException.class, () -> identity("n2",
                TWO + ",n3=http://127.0.0.1:18083", 32, Map.of("counter", "another key", "game", "k")).fence(dir));
        assertEquals("this node's cluster configuration differs from the one its data directory " + dir.toAbsolutePath()
                + " was created with (cluster.json):\n"
                + "  cairn.cluster.node-id is n2 but this data directory holds the objects of node n1\n"
                + "  cairn.cluster.members is n1=http://127.0.0.1:18081,n2=http://127.0.0.1:18082,n3=http://127.0.0.1:18083"
                + " but this data directory was created by a cluster of n1=http://127.0.0.1:18081,n2=http://127.0.0.1:18082\n"
                + "  cairn.cluster.shards is 32 but this data directory was created by a cluster of 64 shards\n"
                + "  cairn.cluster.groups is 6 but this data directory was created by a cluster of 4 Raft groups (set"
                + " cairn.cluster.groups=4 on every member; unset, it is 2 per member)\n"
                + "  namespace chat was declared when this data directory was created and is not now\n"
                + "  cairn.namespaces.counter.key differs from the key this data directory was created with (its objects' ids would change)\n"
                + "  namespace game is declared but was not when this data directory was created\n"
                + "Start it with the configuration it was created with; a changed cluster is a new cluster:"
                + " its nodes start on empty data directories.", e.getMessage());
    }

    @Test
    void anIdentityFileCairnDidNotWriteIsRefusedToo() throws IOException {
        Files.writeString(dir.resolve("cluster.json"), "{\"node\": 3}");
        var e = assertThrows(IllegalStateException.class, () -> identity("n1", TWO, 64, KEYS).fence(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("cluster.json").toAbsolutePath() + " is not a cluster identity Cairn wrote"),
                e.getMessage());
    }
}
