package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.replication.StalledFollowers.Follower;
import dev.cairn.replication.StalledFollowers.Lag;
import dev.cairn.replication.StalledFollowers.Remedy;
import dev.cairn.replication.StalledFollowers.Stalled;
import dev.cairn.replication.StalledFollowers.Why;
import dev.cairn.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StalledFollowersTest {
    private static final Duration SILENCE_LIMIT = Duration.ofSeconds(10);
    private static final Duration STUCK_LIMIT = Duration.ofSeconds(30);
    private static final Set<String> UP = Set.of("n2", "n3");
    private static final int GROUP = 4;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-05T23:00:00Z"));
    private final StalledFollowers stalled = new StalledFollowers(SILENCE_LIMIT, STUCK_LIMIT, clock);

    @Test
    void followersThatAnswerAndFollowNeedNothing() {
        assertEquals(new Remedy.None(), remedy(follower("n2", 1, true, 100), follower("n3", 10, true, 99)));
    }

    @Test
    void aSilentFollowerThatIsDownIsLeftToComeBack() {
        assertEquals(new Remedy.None(), stalled.remedy(GROUP, List.of(follower("n2", 60, false, 5), follower("n3", 0, true, 100)), "n3"::equals));
    }

    @Test
    void aSilentFollowerThatIsUpGetsANewLeaderThatFollowsClosely() {
        assertEquals(new Remedy.HandOver("n3", List.of(new Stalled("n2", Why.SILENT))),
                remedy(follower("n2", 11, false, 5), follower("n3", 0, true, 100)));
    }

    @Test
    void withoutAReplicaThatFollowsCloselyTheLeaderStepsDown() {
        assertEquals(new Remedy.StepDown(List.of(new Stalled("n2", Why.SILENT))), remedy(follower("n2", 11, false, 5), follower("n3", 0, false, 50)));
        assertEquals(new Remedy.StepDown(List.of(new Stalled("n2", Why.SILENT), new Stalled("n3", Why.SILENT))),
                remedy(follower("n2", 11, true, 100), follower("n3", 30, true, 100)));
    }

    @Test
    void aFollowerBehindThatAnswersWithoutMovingForwardIsStuckOnceTheStuckLimitHasPassed() {
        assertEquals(new Remedy.None(), remedy(follower("n2", 0, false, 5146), follower("n3", 0, true, 9000)));
        advance(STUCK_LIMIT);
        assertEquals(new Remedy.None(), remedy(follower("n2", 0, false, 5146), follower("n3", 0, true, 9100)));
        advance(Duration.ofSeconds(1));
        assertEquals(new Remedy.HandOver("n3", List.of(new Stalled("n2", Why.STUCK))),
                remedy(follower("n2", 0, false, 5146), follower("n3", 0, true, 9200)));
    }

    @Test
    void aFollowerCatchingUpIsNotStuckHoweverLongItTakes() {
        for (long match = 1000; match < 5000; match += 1000) {
            advance(Duration.ofSeconds(20));
            assertEquals(new Remedy.None(), remedy(follower("n2", 0, false, match), follower("n3", 0, true, 9000)));
        }
    }

    @Test
    void aFollowerBeingSentASnapshotIsNotStuckHoweverLongItTakes() {
        Follower installing = new Follower("n2", Duration.ZERO, Lag.BEFORE_THE_LOG, 5146);
        for (int i = 0; i < 5; i++) {
            assertEquals(new Remedy.None(), remedy(installing, follower("n3", 0, true, 9000 + i)));
            advance(STUCK_LIMIT);
        }
        assertEquals(new Remedy.HandOver("n3", List.of(new Stalled("n2", Why.SILENT))),
                remedy(new Follower("n2", SILENCE_LIMIT.plusSeconds(1), Lag.BEFORE_THE_LOG, 5146), follower("n3", 0, true, 9100)));
    }

    @Test
    void aFollowerThatCaughtUpStartsAfreshWhenItFallsBehindAgain() {
        remedy(follower("n2", 0, false, 10), follower("n3", 0, true, 100));
        advance(Duration.ofSeconds(20));
        remedy(follower("n2", 0, true, 100), follower("n3", 0, true, 100));
        advance(Duration.ofSeconds(20));
        assertEquals(new Remedy.None(), remedy(follower("n2", 0, false, 10), follower("n3", 0, true, 400)));
    }

    @Test
    void leadingAGroupAgainStartsAfresh() {
        remedy(follower("n2", 0, false, 10), follower("n3", 0, true, 100));
        advance(Duration.ofSeconds(20));
        assertEquals(new Remedy.None(), stalled.remedy(GROUP, List.of(), UP::contains));
        advance(Duration.ofSeconds(20));
        assertEquals(new Remedy.None(), remedy(follower("n2", 0, false, 10), follower("n3", 0, true, 400)));
    }

    @Test
    void aStuckFollowerWhoseNodeIsDownIsLeftToComeBack() {
        stalled.remedy(GROUP, List.of(follower("n2", 0, false, 10), follower("n3", 0, true, 100)), "n3"::equals);
        advance(STUCK_LIMIT.plusSeconds(1));
        assertEquals(new Remedy.None(), stalled.remedy(GROUP, List.of(follower("n2", 0, false, 10), follower("n3", 0, true, 400)), "n3"::equals));
    }

    private Remedy remedy(Follower... followers) {
        return stalled.remedy(GROUP, List.of(followers), UP::contains);
    }

    private void advance(Duration d) {
        clock.advance(d);
    }

    private static Follower follower(String id, long silentSeconds, boolean caughtUp, long matchIndex) {
        return new Follower(id, Duration.ofSeconds(silentSeconds), caughtUp ? Lag.CLOSE : Lag.BEHIND, matchIndex);
    }
}
