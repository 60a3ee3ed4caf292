package dev.cairn.replication;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a group's leader does about followers it has heard nothing from for too long although they
 * are up. Apache Ratis 3.2.2 stops a leader's log appender for good once it fails (its restart is
 * skipped, as the failed appender no longer counts as running): it fails when the entry before the
 * follower's next one was purged, or when the follower's next index moves while a request is being
 * built, as it does when a restarted follower answers. That follower then gets neither entries nor
 * heartbeats: it knows no leader and is never ready. A new leader starts new appenders, so the leader
 * hands the group to a replica that follows closely, or steps down when none does. Stateless.
 */
final class SilentFollowers {
    /** A follower as its leader sees it: how long since it last answered, and whether it could lead at once. */
    record Follower(String id, Duration silentFor, boolean caughtUp) {}

    /** What the leader does. */
    sealed interface Remedy {
        /** Every follower that is up answers: nothing. */
        record None() implements Remedy {}

        /** Hand the leadership to {@code to}, which follows closely, so a new leader replicates to {@code silent}. */
        record HandOver(String to, List<String> silent) implements Remedy {}

        /** No other replica follows closely: step down, so that an election starts a new leader. */
        record StepDown(List<String> silent) implements Remedy {}
    }

    private static final Remedy NONE = new Remedy.None();

    private SilentFollowers() {}

    /**
     * The remedy for {@code followers}: those silent for longer than {@code limit} while {@code upLongEnough}
     * (their node answers its health probes, so only the replication to them is broken).
     */
    static Remedy remedy(List<Follower> followers, Duration limit, Predicate<String> upLongEnough) {
        List<String> silent = followers.stream().filter(f -> f.silentFor().compareTo(limit) > 0 && upLongEnough.test(f.id()))
                .map(Follower::id).toList();
        if (silent.isEmpty()) {
            return NONE;
        }
        return followers.stream().filter(f -> f.caughtUp() && !silent.contains(f.id())).map(Follower::id).findFirst()
                .<Remedy>map(to -> new Remedy.HandOver(to, silent))
                .orElseGet(() -> new Remedy.StepDown(silent));
    }
}
