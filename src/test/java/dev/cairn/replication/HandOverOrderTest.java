package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The replica a stopping leader hands each of its groups to. */
class HandOverOrderTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private static final Duration WARM_UP = Duration.ofMinutes(2);

    /** A group whose preferred member is not ready (or is the stopping leader itself). */
    private static String first(Set<String> followClosely, Map<String, Integer> leading, Map<String, Duration> upFor) {
        return first(followClosely, Set.of(), leading, upFor);
    }

    /** {@code preferredAndReady}: the group's preferred member, when it is ready (at most one). */
    private static String first(Set<String> followClosely, Set<String> preferredAndReady, Map<String, Integer> leading,
            Map<String, Duration> upFor) {
        return List.of("n1", "n2", "n3").stream()
                .min(HandOverOrder.of(followClosely::contains, preferredAndReady::contains, leading,
                        id -> Optional.ofNullable(upFor.get(id)).map(NOW::minus), NOW, WARM_UP))
                .orElseThrow();
    }

    @Test
    void aReplicaThatFollowsCloselyComesFirst() {
        assertEquals("n2", first(Set.of("n2"), Map.of(), Map.of("n1", Duration.ofHours(1), "n2", Duration.ofSeconds(5))));
    }

    @Test
    void theGroupsPreferredMemberReadyComesBeforeAWarmerOneThatFollowsAsClosely() {
        // The balancer would move the group to n2 within a balance interval anyway: one move, not two in a row.
        assertEquals("n2", first(Set.of("n1", "n2"), Set.of("n2"), Map.of(), Map.of("n1", Duration.ofHours(1), "n2", Duration.ofSeconds(5))));
    }

    @Test
    void thePreferredMemberBehindComesAfterOneThatFollowsClosely() {
        assertEquals("n1", first(Set.of("n1"), Set.of("n2"), Map.of(), Map.of("n1", Duration.ofSeconds(5), "n2", Duration.ofHours(1))));
    }

    @Test
    void aMemberBackFromARestartGetsNothingWhileAWarmOneFollowsAsClosely() {
        // n2 leads nothing (its groups were handed away when it stopped), but it came back 7 s ago.
        assertEquals("n1", first(Set.of("n1", "n2"), Map.of("n1", 3), Map.of("n1", Duration.ofMinutes(10), "n2", Duration.ofSeconds(7))));
    }

    @Test
    void amongWarmMembersTheOneLeadingFewestGroupsComesFirst() {
        assertEquals("n2", first(Set.of("n1", "n2"), Map.of("n1", 3, "n2", 1),
                Map.of("n1", Duration.ofHours(5), "n2", WARM_UP.plusSeconds(1))));
    }

    @Test
    void whileEveryMemberWarmsUpTheOneUpLongestComesFirst() {
        assertEquals("n2", first(Set.of("n1", "n2"), Map.of("n2", 2), Map.of("n1", Duration.ofSeconds(20), "n2", Duration.ofSeconds(90))));
    }
}
