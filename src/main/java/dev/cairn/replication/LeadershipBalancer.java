package dev.cairn.replication;

import dev.cairn.cluster.Groups;
import dev.cairn.cluster.MemberHealth;
import dev.cairn.cluster.MemberReadiness;
import dev.cairn.cluster.Members;
import dev.cairn.cluster.OwnStorage;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.RaftServer;
import org.jboss.logging.Logger;

/**
 * Where the leadership of the groups this node leads goes: to each group's preferred member when that
 * member is up and follows closely, so leadership stays spread; to a new leader when a follower that
 * is up no longer hears from this one or no longer moves forward ({@link StalledFollowers}); to other
 * replicas while this node's own data directory refuses writes (a full disk: its objects could not
 * commit), and before this node stops ({@link #handOverAll}). Owned by its own thread, every {@code cairn.cluster.balance-interval}
 * (soon after start-up too: a started cluster is ready once its leadership is spread); {@link
 * #handOverAll} and {@link #close} by the service as it stops.
 */
final class LeadershipBalancer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeadershipBalancer.class);
    /** The first round, sooner than the interval after start-up. */
    private static final long FIRST_ROUND_MS = 1000;
    /** Election timeouts a follower that is up may go without answering before its leader gives way. */
    private static final int SILENT_TIMEOUTS = 10;
    /**
     * Election timeouts a follower that is up and behind may answer without its match index moving
     * before its leader gives way: longer than a snapshot install takes here (it moves the index only
     * once done).
     */
    private static final int STUCK_TIMEOUTS = 30;
    /**
     * Election timeouts a group must have served here before it moves to its preferred member: a move
     * right after the previous one (a stopping node handed the group here, and its preferred member came
     * back) adds the second's outage to the first's while clients still look for the first new leader.
     */
    private static final int SETTLE_TIMEOUTS = 2;
    private static final String WHY = "SILENT: no answer for " + SILENT_TIMEOUTS + " election timeouts, its log appender here has likely"
            + " stopped; STUCK: behind, its match index unmoved for " + STUCK_TIMEOUTS + " election timeouts";

    private final RaftServer server;
    private final RaftSettings settings;
    private final Members members;
    private final Groups groups;
    private final MemberHealth health;
    private final MemberReadiness readiness;
    private final OwnStorage ownStorage;
    private final List<GroupMachine> machines;
    private final StalledFollowers stalled;
    private final InstantSource clock;
    /** How long a follower's node must have answered its health probes for the follower to count as stalled. */
    private final Duration silenceLimit;
    /** How long a group serves here before it moves to its preferred member ({@link #SETTLE_TIMEOUTS}). */
    private final Duration settle;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong calls = new AtomicLong();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("cairn-raft-balancer").factory());

    private LeadershipBalancer(RaftServer server, RaftSettings settings, Members members, Groups groups, MemberHealth health,
            MemberReadiness readiness, OwnStorage ownStorage, List<GroupMachine> machines, InstantSource clock) {
        this.server = server;
        this.settings = settings;
        this.members = members;
        this.groups = groups;
        this.health = health;
        this.readiness = readiness;
        this.ownStorage = ownStorage;
        this.machines = machines;
        this.clock = clock;
        Duration election = settings.electionTimeout();
        this.silenceLimit = election.multipliedBy(SILENT_TIMEOUTS);
        this.settle = election.multipliedBy(SETTLE_TIMEOUTS);
        this.stalled = new StalledFollowers(silenceLimit, election.multipliedBy(STUCK_TIMEOUTS), clock);
    }

    /** A balancer for the groups of {@code machines} (null where this node does not replicate a group), running. */
    static LeadershipBalancer start(RaftServer server, RaftSettings settings, Members members, Groups groups, MemberHealth health,
            MemberReadiness readiness, OwnStorage ownStorage, List<GroupMachine> machines, InstantSource clock) {
        LeadershipBalancer b = new LeadershipBalancer(server, settings, members, groups, health, readiness, ownStorage, machines, clock);
        long every = settings.balanceInterval().toMillis();
        b.thread.scheduleWithFixedDelay(b::roundSafely, Math.min(every, FIRST_ROUND_MS), every, TimeUnit.MILLISECONDS);
        return b;
    }

    /**
     * Every group this node leads handed to other replicas while its data directory refuses writes;
     * else for each group it leads: a new leader when a follower that is up is stalled ({@link
     * StalledFollowers}), else the group moved to its preferred member when that member is up,
     * follows closely and says it is ready, and the group has served here for a while ({@link
     * #SETTLE_TIMEOUTS}; a round follows when the last such group has).
     */
    private void roundSafely() {
        try {
            if (groups.groupsOf(members.self()).stream().anyMatch(g -> machines.get(g).serving())) {
                Optional<String> refusing = ownStorage.refusing();
                if (refusing.isPresent()) {
                    LOG.warnf("replication: this node's data directory refuses writes (%s), so its objects cannot commit: handing"
                            + " the groups it leads to other replicas", refusing.get());
                    handOver();
                    return;
                }
            }
            Duration settling = Duration.ZERO;
            for (int g : groups.groupsOf(members.self())) {
                GroupMachine m = machines.get(g);
                switch (stalled.remedy(g, m.followers(settings.electionTimeout()), id -> health.upFor(id, silenceLimit))) {
                    case StalledFollowers.Remedy.None none -> {
                        String preferred = groups.preferredLeader(g);
                        if (preferred.equals(members.self()) || health.of(preferred) != MemberHealth.Health.UP || !upToDate(m, preferred)) {
                            continue;
                        }
                        Duration left = settle.minus(m.servedFor());
                        if (left.isPositive()) {
                            settling = left.compareTo(settling) > 0 ? left : settling;
                        } else if (readiness.ready(preferred)) {
                            // Ready, asked last and at once: a member stopping still answers liveness probes for a while,
                            // and a group handed back to it would be leaderless an election timeout after it stops.
                            transfer(g, preferred, settings.electionTimeout()).join();
                        }
                    }
                    case StalledFollowers.Remedy.HandOver handOver -> {
                        LOG.warnf("replication: group %d does not reach or move forward %s although up (%s); handing the"
                                + " leadership to %s, whose new appenders replicate to it", g, handOver.stalled(), WHY, handOver.to());
                        transfer(g, handOver.to(), settings.transferTimeout()).join();
                    }
                    case StalledFollowers.Remedy.StepDown stepDown -> {
                        LOG.warnf("replication: group %d does not reach or move forward %s although up (%s); no other replica"
                                + " follows closely, so this leader steps down for an election", g, stepDown.stalled(), WHY);
                        transfer(g, null, settings.transferTimeout()).join();
                    }
                }
            }
            if (settling.isPositive()) {
                thread.schedule(this::roundSafely, settling.toMillis() + 1, TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException e) {
            LOG.debugf("replication: balancing leadership failed: %s", e);
        }
    }

    /**
     * Hands the leadership of every group this node leads to another replica that is up, chosen in
     * {@link HandOverOrder}. Returns once done or after the transfer timeout.
     */
    void handOverAll() {
        thread.shutdownNow();
        handOver();
    }

    /**
     * See {@link #handOverAll}; the balancer's thread, or the service's once that thread is stopped. The
     * readiness of the preferred members a choice may need is asked of all of them at once, and the
     * groups whose choice needs none move first: under load one answer took up to half a second (a
     * readiness probe writes and fsyncs a file), and asked in turn they held every group's move.
     */
    private void handOver() {
        long started = System.nanoTime();
        Map<String, Integer> leading = new HashMap<>();
        for (GroupMachine m : machines) {
            if (m != null) {
                m.leader().ifPresent(id -> leading.merge(id, 1, Integer::sum));
            }
        }
        String self = members.self();
        List<Integer> led = groups.groupsOf(self).stream().filter(g -> machines.get(g).serving()).toList();
        Map<String, CompletableFuture<Boolean>> ready = new TreeMap<>();
        for (int g : led) {
            String preferred = groups.preferredLeader(g);
            if (!preferred.equals(self) && health.of(preferred) == MemberHealth.Health.UP) {
                ready.computeIfAbsent(preferred, id -> CompletableFuture.supplyAsync(() -> readiness.ready(id),
                        task -> Thread.ofVirtual().name("cairn-readiness-" + id).start(task)));
            }
        }
        List<CompletableFuture<Boolean>> moves = new ArrayList<>();
        for (int g : led.stream().sorted(Comparator.comparing((Integer group) -> ready.containsKey(groups.preferredLeader(group)))).toList()) {
            GroupMachine m = machines.get(g);
            String preferred = groups.preferredLeader(g);
            groups.replicas(g).stream()
                    .filter(id -> !id.equals(self) && health.of(id) == MemberHealth.Health.UP)
                    .min(HandOverOrder.of(id -> m.caughtUp(id, settings.electionTimeout()),
                            id -> id.equals(preferred) && ready.containsKey(id) && ready.get(id).join(),
                            leading, health::upSince, clock.instant(), settings.handOverWarmUp()))
                    .ifPresent(to -> {
                        leading.merge(to, 1, Integer::sum);
                        moves.add(transfer(g, to, settings.transferTimeout()));
                    });
        }
        // How long the choice took is part of each move's time.
        LOG.infof("replication: handing over the leadership of %d groups (chosen in %d ms; readiness of preferred members: %s)",
                moves.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), answers(ready));
        try {
            CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new))
                    .get(settings.transferTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("replication: not every group's leadership moved in time: %s", e.toString());
        }
    }

    /**
     * Whether {@code peer} has every entry of this leader's log but the few in flight, so that a transfer to
     * it starts its election at once. A hand-back waits for it: Ratis's transfer waits for the transferee to
     * have the leader's last entry while the group's commits are held, and a member back from a restart,
     * answering {@code INCONSISTENCY} as its log catches up, took 2 s and more to get there.
     */
    private boolean upToDate(GroupMachine m, String peer) {
        long last = m.lastIndex();
        return m.followers(settings.electionTimeout()).stream()
                .anyMatch(f -> f.id().equals(peer) && f.caughtUp() && f.matchIndex() >= last - IN_FLIGHT);
    }

    private static Map<String, String> answers(Map<String, CompletableFuture<Boolean>> asked) {
        Map<String, String> answers = new TreeMap<>();
        asked.forEach((id, answer) -> answers.put(id, answer.isDone() ? String.valueOf(answer.join()) : "not awaited"));
        return answers;
    }

    /** Entries a leader may have appended and not yet replicated to an up-to-date follower (one commit and its confirmation). */
    private static final int IN_FLIGHT = 2;

    /**
     * Moves the leadership of {@code g} to {@code to}, or (null) steps down for an election, giving up after
     * {@code timeout}: the group's commits wait meanwhile, so a move that may wait for a later round (a
     * hand-back) gives up after an election timeout.
     */
    private CompletableFuture<Boolean> transfer(int g, String to, Duration timeout) {
        return machines.get(g).appends().handingOver(() -> request(g, to, timeout));
    }

    private CompletableFuture<Boolean> request(int g, String to, Duration timeout) {
        try {
            return server.transferLeadershipAsync(new TransferLeadershipRequest(clientId, server.getId(), RaftHost.groupId(g),
                    calls.incrementAndGet(), to == null ? null : RaftPeerId.valueOf(to), timeout.toMillis()))
                    .thenApply(reply -> {
                        if (reply.isSuccess()) {
                            if (to == null) {
                                LOG.infof("replication: stepped down as the leader of group %d", g);
                            } else {
                                LOG.infof("replication: moved the leadership of group %d to %s", g, to);
                            }
                        }
                        return reply.isSuccess();
                    });
        } catch (IOException e) {
            return CompletableFuture.completedFuture(false);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
