package dev.cairn.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which replica a stopping leader hands a group to, best first: one that follows closely (it serves at
 * once); then the group's preferred member, when it is ready (the balancer would move the group there
 * within a balance interval anyway: handed elsewhere first, the group moved twice in a row, and its
 * clients, still finding the first new leader, went 1.8 s unserved in a rolling restart); then one that
 * has been up longest, counted up to a warm-up ({@code cairn.cluster.hand-over-warm-up}: a JVM node back
 * from a restart serves slowly while its JIT compiles: in rolling restarts, every group handed to the
 * member restarted just before went 1 s timeouts and 2-3 s without an answer); among members up that
 * long, the one leading fewest groups (all of them to one node would bring it all their calls at once);
 * then the one up longest. Stateless.
 */
final class HandOverOrder {
    private HandOverOrder() {}

    /**
     * The order over member ids, given whether each follows closely, whether it is the group's preferred
     * member and ready, how many groups each leads (those handed to it so far included), since when each
     * has been up (none: not up), the time now, and how long a member back from a restart counts as
     * still warming up.
     */
    static Comparator<String> of(Predicate<String> followsClosely, Predicate<String> preferredAndReady, Map<String, Integer> leading,
            Function<String, Optional<Instant>> upSince, Instant now, Duration warmUp) {
        return Comparator.comparing((String id) -> !followsClosely.test(id))
                .thenComparing(id -> !preferredAndReady.test(id))
                .thenComparing((String id) -> warmth(upSince.apply(id), now, warmUp), Comparator.reverseOrder())
                .thenComparing(id -> leading.getOrDefault(id, 0))
                .thenComparing(id -> upSince.apply(id).orElse(Instant.MAX));
    }

    /** How long it has been up, at most {@code warmUp}. */
    private static Duration warmth(Optional<Instant> since, Instant now, Duration warmUp) {
        Duration up = since.map(s -> Duration.between(s, now)).orElse(Duration.ZERO);
        return up.compareTo(warmUp) > 0 ? warmUp : up;
    }
}
