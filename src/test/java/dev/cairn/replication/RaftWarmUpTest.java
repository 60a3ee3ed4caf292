package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up a cluster member runs before it says it is ready: a real scratch Raft group in this process. */
class RaftWarmUpTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path scratch;

    @Test
    void everyMemberOfTheScratchGroupLeadsAndCommits() {
        RaftSettings settings = new RaftSettings(scratch.resolve("data"), 1000, Duration.ofSeconds(1), Duration.ofSeconds(3),
                Duration.ofSeconds(5), Duration.ofMinutes(2), 1 << 20, 5000, 2, 8 << 20);

        int leaders = new RaftWarmUp(settings, scratch).run(LIMIT);

        assertEquals(RaftWarmUp.MEMBERS, leaders, "each scratch member led once");
    }
}
