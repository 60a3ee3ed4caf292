package dev.cairn.replication;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a group's leader does about followers that are up but that its replication no longer reaches
 * or no longer moves forward. Apache Ratis 3.2.2 has two such faults, and a new leader, with new log
 * appenders, ends both, so the leader hands the group to a replica that follows closely, or steps
 * down when none does:
 * <ul>
 * <li><b>silent</b>: a leader's log appender stops for good once it fails (its restart is skipped, as
 * the failed appender no longer counts as running): when the entry before the follower's next one was
 * purged, or when the follower's next index moves while a request is being built, as it does when a
 * restarted follower answers. The follower then hears nothing from the leader.</li>
 * <li><b>stuck</b>: a follower's log ends below the match index its leader recorded (it lost entries:
 * a data directory wiped or started empty, a tail lost at a restart); Ratis only raises that index,
 * keeps sending from one past it, the follower keeps answering {@code INCONSISTENCY}, and it stays
 * behind for good (RATIS-2523, RATIS-2605; seen in a rolling restart: minutes, hundreds of answers a
 * minute). {@code replication.transport.CatchUpAppender} now lowers the record once such answers
 * last; this remains the backstop for whatever else keeps a match index from moving.</li>
 * </ul>
 * Owned by the leadership balancer's thread.
 */
final class StalledFollowers {
    /** A follower as its leader sees it: how long since it last answered, how far behind it is, its match index. */
    record Follower(String id, Duration silentFor, Lag lag, long matchIndex) {
        /** Whether it could lead at once. */
        boolean caughtUp() {
            return lag == Lag.CLOSE;
        }
    }

    /** How far a follower is behind its leader. */
    enum Lag {
        /** Answered lately and at most a few entries behind: a transfer to it does not stall the group. */
        CLOSE,
        /** Catching up from the leader's log: its match index moves as it does. */
        BEHIND,
        /**
         * Its next entry is no longer in the leader's log: it is being sent a snapshot, which does not move
         * its match index until it is installed (file by file, a minute or more under load).
         */
        BEFORE_THE_LOG
    }

    /** Why a follower counts as stalled. */
    enum Why {
        SILENT, STUCK
    }

    /** A follower that is up and that this leader's replication does not reach or move forward. */
    record Stalled(String id, Why why) {}

    /** What the leader does. */
    sealed interface Remedy {
        /** Every follower that is up is reached and moves forward (or catches up): nothing. */
        record None() implements Remedy {}

        /** Hand the leadership to {@code to}, which follows closely, so that a new leader replicates to {@code stalled}. */
        record HandOver(String to, List<Stalled> stalled) implements Remedy {}

        /** No other replica follows closely: step down, so that an election starts a new leader. */
        record StepDown(List<Stalled> stalled) implements Remedy {}
    }

    private static final Remedy NONE = new Remedy.None();

    private record Key(int group, String id) {}

    /** A follower behind the leader, with the match index it had and since when it has had it. */
    private record Behind(long matchIndex, Instant since) {}

    private final Duration silenceLimit;
    private final Duration stuckLimit;
    private final InstantSource clock;
    private final Map<Key, Behind> behind = new HashMap<>();

    /**
     * {@code silenceLimit}: how long a follower may go without answering; {@code stuckLimit}: how long
     * one that is behind may answer without its match index moving.
     */
    StalledFollowers(Duration silenceLimit, Duration stuckLimit, InstantSource clock) {
        this.silenceLimit = silenceLimit;
        this.stuckLimit = stuckLimit;
        this.clock = clock;
    }

    /**
     * The remedy for the {@code followers} of {@code group} (none: this node does not lead it), counting
     * only followers {@code upLongEnough} (their node answers its health probes, so only the
     * replication to them is broken).
     */
    Remedy remedy(int group, List<Follower> followers, Predicate<String> upLongEnough) {
        if (followers.isEmpty()) {
            behind.keySet().removeIf(key -> key.group() == group);
            return NONE;
        }
        Instant now = clock.instant();
        List<Stalled> stalled = followers.stream()
                .map(f -> stalled(group, f, now))
                .filter(s -> s != null && upLongEnough.test(s.id()))
                .toList();
        if (stalled.isEmpty()) {
            return NONE;
        }
        List<String> ids = stalled.stream().map(Stalled::id).toList();
        return followers.stream().filter(f -> f.caughtUp() && !ids.contains(f.id())).map(Follower::id).findFirst()
                .<Remedy>map(to -> new Remedy.HandOver(to, stalled))
                .orElseGet(() -> new Remedy.StepDown(stalled));
    }

    /** Whether {@code f} is stalled, and why; null when it is not. */
    private Stalled stalled(int group, Follower f, Instant now) {
        Key key = new Key(group, f.id());
        if (f.silentFor().compareTo(silenceLimit) > 0) {
            return new Stalled(f.id(), Why.SILENT);
        }
        switch (f.lag()) {
            case CLOSE, BEFORE_THE_LOG -> {
                // A new leader would only start the snapshot over (seen: every 30 s, so that it never finished).
                behind.remove(key);
                return null;
            }
            case BEHIND -> {
                // below
            }
        }
        Behind was = behind.get(key);
        if (was == null || was.matchIndex() != f.matchIndex()) {
            behind.put(key, new Behind(f.matchIndex(), now));
            return null;
        }
        return Duration.between(was.since(), now).compareTo(stuckLimit) > 0 ? new Stalled(f.id(), Why.STUCK) : null;
    }
}
