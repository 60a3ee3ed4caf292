package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.replication.SilentFollowers.Follower;
import dev.cairn.replication.SilentFollowers.Remedy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SilentFollowersTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final Set<String> UP = Set.of("n2", "n3");

    @Test
    void followersThatAnswerNeedNothing() {
        assertEquals(new Remedy.None(), SilentFollowers.remedy(List.of(follower("n2", 1, true), follower("n3", 10, true)), LIMIT, UP::contains));
    }

    @Test
    void aSilentFollowerThatIsDownIsLeftToComeBack() {
        assertEquals(new Remedy.None(), SilentFollowers.remedy(List.of(follower("n2", 60, false), follower("n3", 0, true)), LIMIT, "n3"::equals));
    }

    @Test
    void aSilentFollowerThatIsUpGetsANewLeaderThatFollowsClosely() {
        assertEquals(new Remedy.HandOver("n3", List.of("n2")),
                SilentFollowers.remedy(List.of(follower("n2", 11, false), follower("n3", 0, true)), LIMIT, UP::contains));
    }

    @Test
    void withoutAReplicaThatFollowsCloselyTheLeaderStepsDown() {
        assertEquals(new Remedy.StepDown(List.of("n2")),
                SilentFollowers.remedy(List.of(follower("n2", 11, false), follower("n3", 0, false)), LIMIT, UP::contains));
        assertEquals(new Remedy.StepDown(List.of("n2", "n3")),
                SilentFollowers.remedy(List.of(follower("n2", 11, true), follower("n3", 30, true)), LIMIT, UP::contains));
    }

    private static Follower follower(String id, long silentSeconds, boolean caughtUp) {
        return new Follower(id, Duration.ofSeconds(silentSeconds), caughtUp);
    }
}
