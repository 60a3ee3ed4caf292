package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.cluster.MemberHealth.Health;
import dev.cairn.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemberHealthTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final MemberHealth health = new MemberHealth(ShardsTest.THREE, clock);

    @Test
    void othersAreUnknownUntilProbedAndThisNodeIsUp() {
        assertEquals(List.of(Health.UP, Health.UNKNOWN, Health.UNKNOWN), health.all().stream().map(MemberHealth.Status::health).toList());
        assertEquals(List.of("n2", "n3"), health.unreachable().stream().map(s -> s.member().id()).toList());
    }

    @Test
    void aProbeSetsTheStateAndSinceWhenItHolds() {
        health.up("n2");
        health.down("n3", "connection refused");
        clock.advance(Duration.ofSeconds(5));
        health.up("n2");
        health.down("n3", "timed out after 1s");
        var n2 = health.all().get(1);
        var n3 = health.all().get(2);
        assertEquals(Health.UP, health.of("n2"));
        assertEquals(Optional.of(Instant.parse("2030-01-01T00:00:00Z")), n2.since());
        assertEquals(Optional.of(Instant.parse("2030-01-01T00:00:00Z")), n3.since());
        assertEquals(Optional.of("timed out after 1s"), n3.error());
        assertEquals(List.of("n3"), health.unreachable().stream().map(s -> s.member().id()).toList());
        clock.advance(Duration.ofSeconds(1));
        health.up("n3");
        assertEquals(List.of(), health.unreachable());
        assertEquals(Optional.of(Instant.parse("2030-01-01T00:00:06Z")), health.all().get(2).since());
    }

    @Test
    void aMemberIsUpForAsLongAsItHasAnsweredEveryProbe() {
        assertFalse(health.upFor("n2", Duration.ZERO), "not probed yet");
        health.up("n2");
        clock.advance(Duration.ofSeconds(9));
        health.up("n2");
        assertFalse(health.upFor("n2", Duration.ofSeconds(10)));
        clock.advance(Duration.ofSeconds(1));
        assertTrue(health.upFor("n2", Duration.ofSeconds(10)));
        health.down("n2", "timed out after 1s");
        health.up("n2");
        assertFalse(health.upFor("n2", Duration.ofSeconds(10)), "up again, since now");
        assertTrue(health.upFor("n1", Duration.ZERO), "this node");
    }

    @Test
    void upSinceIsWhenTheMemberLastCameUpAndNoneWhileItIsNot() {
        assertEquals(Optional.empty(), health.upSince("n2"), "not probed yet");
        health.up("n2");
        Instant first = clock.instant();
        clock.advance(Duration.ofSeconds(3));
        health.up("n2");
        assertEquals(Optional.of(first), health.upSince("n2"), "still up since its first answer");
        health.down("n2", "refused");
        assertEquals(Optional.empty(), health.upSince("n2"));
        clock.advance(Duration.ofSeconds(1));
        health.up("n2");
        assertEquals(Optional.of(clock.instant()), health.upSince("n2"), "up again, since now");
    }
}
