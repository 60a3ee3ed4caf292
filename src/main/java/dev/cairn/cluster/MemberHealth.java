package dev.cairn.cluster;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How this node sees each other member, as its last probe found it. Written by the probe (one thread
 * at a time, the service's scheduler), read by any thread (the health check, {@code GET /cluster}):
 * each member's state is replaced whole in a concurrent map. Time comes from the injected clock.
 */
public final class MemberHealth {
    /** A member's state as this node sees it. */
    public enum Health {
        /** Not probed yet. */
        UNKNOWN,
        /** Answered its last probe. */
        UP,
        /** Did not answer its last probe (refused, timed out, or not live). */
        DOWN
    }

    /** One member's state, since when, and why it is down. */
    public record Status(Member member, Health health, Optional<Instant> since, Optional<String> error) {}

    private final Members members;
    private final InstantSource clock;
    private final Map<String, Status> byId = new ConcurrentHashMap<>();

    public MemberHealth(Members members, InstantSource clock) {
        this.members = members;
        this.clock = clock;
        members.all().forEach(m -> byId.put(m.id(), new Status(m, Health.UNKNOWN, Optional.empty(), Optional.empty())));
        // This node answers for itself.
        byId.put(members.self(), new Status(members.member(members.self()), Health.UP, Optional.of(clock.instant()), Optional.empty()));
    }

    /** {@code id} answered a probe. */
    public void up(String id) {
        record(id, Health.UP, Optional.empty());
    }

    /** {@code id} did not answer a probe, for {@code error}. */
    public void down(String id, String error) {
        record(id, Health.DOWN, Optional.of(error));
    }

    private void record(String id, Health health, Optional<String> error) {
        Member member = members.member(id);
        byId.compute(id, (k, old) -> new Status(member, health,
                old != null && old.health() == health ? old.since() : Optional.of(clock.instant()), error));
    }

    public Health of(String id) {
        return byId.get(members.member(id).id()).health();
    }

    /** Whether {@code id} has answered every probe for at least {@code atLeast}. */
    public boolean upFor(String id, Duration atLeast) {
        Status s = byId.get(members.member(id).id());
        return s.health() == Health.UP && s.since().map(since -> !since.plus(atLeast).isAfter(clock.instant())).orElse(false);
    }

    /** Since when {@code id} has answered every probe; none while it is not up. */
    public Optional<Instant> upSince(String id) {
        Status s = byId.get(members.member(id).id());
        return s.health() == Health.UP ? s.since() : Optional.empty();
    }

        /** Every member, this node included (always {@code UP}), in configured order. */
    public List<Status> all() {
        return members.all().stream().map(m -> byId.get(m.id())).toList();
    }

    /** The other members that did not answer their last probe, or were not probed yet. */
    public List<Status> unreachable() {
        return all().stream().filter(s -> s.health() != Health.UP).toList();
    }
}
