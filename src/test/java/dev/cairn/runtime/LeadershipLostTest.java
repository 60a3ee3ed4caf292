package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.Scratch;
import dev.cairn.api.NotLeaderException;
import dev.cairn.service.ConfiguredSettings;
import dev.cairn.storage.CommitSink;
import dev.cairn.testing.FakeClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * A node that no longer leads an object's Raft group finds out when the object's database opens:
 * the caller gets {@link NotLeaderException} itself (a retryable {@code 503 not-leader}), not an
 * object error, whether the database opened in the constructor or in a method.
 */
class LeadershipLostTest {
    /** The replicated commit sink of a node that leads no group: every database it opens is refused. */
    private static final CommitSink LEADS_NOTHING = file -> {
        throw new NotLeaderException(NotLeaderException.Outcome.NOT_RUN, "this node does not lead the Raft group of " + file, null);
    };

    @TempDir
    Path dataDir;
    private Node node;

    /** Opens its database in a method, not in its constructor. */
    public static final class Lazy {
        final dev.cairn.api.ObjectContext ctx;

        public Lazy(dev.cairn.api.ObjectContext ctx) {
            this.ctx = ctx;
        }
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.shutdown();
        }
    }

    @Test
    void aConstructorWhoseFirstWriteFindsNoLeadershipAnswersNotLeader() {
        Node n = start();
        NotLeaderException refused = assertThrows(NotLeaderException.class,
                () -> n.of(Scratch.class).getByName("created-here").call(s -> s.initialisedRows));
        assertEquals(NotLeaderException.Outcome.NOT_RUN, refused.outcome());
        assertTrue(refused.getMessage().contains("does not lead the Raft group"), refused.getMessage());
    }

    @Test
    void aMethodWhoseFirstWriteFindsNoLeadershipAnswersNotLeader() {
        Node n = start();
        assertThrows(NotLeaderException.class,
                () -> n.of(Lazy.class).getByName("written-later").call(l -> l.ctx.storage().sql().exec("CREATE TABLE t (k)").rowsWritten()));
    }

    private Node start() {
        var config = ConfiguredSettings.mapping(Map.of("cairn.data-dir", dataDir.toString(),
                "cairn.namespaces.scratch.class", Scratch.class.getName(),
                "cairn.namespaces.lazy.class", Lazy.class.getName()));
        var index = new SQLiteDataSource();
        index.setUrl("jdbc:sqlite:" + dataDir.resolve("alarm-index.sqlite"));
        node = new Node(ConfiguredSettings.from(config), ConfiguredSettings.declarations(config),
                new FakeClock(Instant.parse("2026-12-05T00:00:00Z")), new Random(5), new ObjectMapper(), index, NodeMeters.NONE,
                Placement.SINGLE_NODE, RemoteCalls.NONE, Optional.of(LEADS_NOTHING));
        return node;
    }
}
