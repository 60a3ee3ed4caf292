package dev.cairn.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cluster.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Injects faults into a {@link LocalCluster} through its launcher while a workload runs, keeps
 * {@link Reachability} in step (a node killed, stopped or restarting takes no client requests; a
 * partitioned one does) and measures each fault's recovery with a {@link RecoveryProbe} through the
 * nodes the fault left alone. Each fault returns once the cluster is whole again (every node running,
 * continued, healed and ready). Used by one test thread.
 */
final class Faults {
    /**
     * One fault injected: which, on which node, from when until when it was in effect (the history's
     * clock: from taking the node away or cutting it off until it was back), and how long until every
     * counter answered again.
     */
    record FaultRun(Fault fault, String node, long fromNanos, long toNanos, RecoveryProbe.Recovery recovery) {
        /** Whether {@code increment} was sent to this run's node while the fault was on it. */
        boolean hit(History.Increment increment) {
            return increment.via().equals(node) && increment.startNanos() <= toNanos && increment.endNanos() >= fromNanos;
        }

        @Override
        public String toString() {
            return fault.label() + " on " + node + ": in effect " + String.format(Locale.ROOT, "%.2f s", (toNanos - fromNanos) / 1e9)
                    + ", recovered in " + String.format(Locale.ROOT, "%.2f s", recovery.time().toNanos() / 1e9)
                    + (recovery.unrecovered().isEmpty() ? "" : ", never: " + recovery.unrecovered());
        }
    }

    /** How long the cluster may take to be whole again after a fault. */
    private static final Duration WHOLE_AGAIN = Duration.ofSeconds(60);
    /** How long a SIGTERM may take to show (the node's readiness goes DOWN at once on SIGTERM). */
    private static final Duration TERM_SHOWS = Duration.ofSeconds(30);
    /** Longer than LocalCluster's own limit on one run of the launcher. */
    private static final Duration RESTART_LIMIT = Duration.ofMinutes(4);
    /** How long the balancer may take to hand every group back to its preferred leader. */
    static final Duration SPREAD_LIMIT = Duration.ofSeconds(120);
    /** A pulse request's limit: one without an answer by then is a gap, not a wait. */
    private static final Duration PULSE_TIMEOUT = Duration.ofSeconds(1);
    /** How long the pulse runs before the first restart, to measure its floor. */
    private static final Duration PULSE_FLOOR_WINDOW = Duration.ofSeconds(10);

    private final LocalCluster cluster;
    private final CounterClient client;
    private final Reachability reachability;
    private final RecoveryProbe probe;
    private final History history;

    Faults(LocalCluster cluster, CounterClient client, Reachability reachability, RecoveryProbe probe, History history) {
        this.cluster = cluster;
        this.client = client;
        this.reachability = reachability;
        this.probe = probe;
        this.history = history;
    }

    /** The node owning most shards by {@code GET /cluster} (in part 2: leading most groups), the lowest id on a tie. */
    String owningMost() throws Exception {
        return shardsOwned().entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                .orElseThrow().getKey();
    }

    /** The node owning fewest shards (in part 2: a follower of most groups), the lowest id on a tie. */
    String owningFewest() throws Exception {
        return shardsOwned().entrySet().stream()
                .min(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow().getKey();
    }

    /** Every node with the number of shards it owns, as a reachable node sees it. */
    private Map<String, Integer> shardsOwned() throws Exception {
        JsonNode view = client.cluster(reachability.nodes().getFirst());
        Map<String, Integer> owned = new TreeMap<>();
        cluster.nodeIds().forEach(node -> owned.put(node, 0));
        for (JsonNode assignment : view.path("owners")) {
            owned.computeIfPresent(assignment.path("owner").asText(), (node, count) -> count + 1);
        }
        return owned;
    }

    /** SIGKILL, {@code down} for this long, started again. */
    FaultRun kill(String node, Duration down) throws Exception {
        long from = history.now();
        reachability.down(node);
        expectSuccess(cluster.kill(node), "kill " + node);
        RecoveryProbe.Run recovery = probe.start(history.now(), others(node));
        Thread.sleep(down);
        expectSuccess(cluster.start(node), "start " + node);
        reachability.up(node);
        return whole(Fault.KILL, node, from, recovery);
    }

    /** SIGSTOP, stopped for this long, SIGCONT. */
    FaultRun stop(String node, Duration stopped) throws Exception {
        long from = history.now();
        reachability.down(node);
        expectSuccess(cluster.stop(node), "stop " + node);
        RecoveryProbe.Run recovery = probe.start(history.now(), others(node));
        Thread.sleep(stopped);
        expectSuccess(cluster.cont(node), "cont " + node);
        reachability.up(node);
        return whole(Fault.STOP, node, from, recovery);
    }

    /** Cut off from the other nodes for this long, then healed; clients keep sending to it throughout. */
    FaultRun partition(String node, Duration cut) throws Exception {
        long from = history.now();
        expectSuccess(cluster.partition(node), "partition " + node);
        RecoveryProbe.Run recovery = probe.start(history.now(), others(node));
        Thread.sleep(cut);
        expectSuccess(cluster.heal(node), "heal " + node);
        return whole(Fault.PARTITION, node, from, recovery);
    }

    /** SIGKILL, its data directory deleted, started again empty. */
    FaultRun wipe(String node) throws Exception {
        long from = history.now();
        reachability.down(node);
        expectSuccess(cluster.kill(node), "kill " + node);
        RecoveryProbe.Run recovery = probe.start(history.now(), others(node));
        expectSuccess(cluster.wipe(node), "wipe " + node);
        expectSuccess(cluster.start(node), "start " + node);
        reachability.up(node);
        return whole(Fault.WIPE, node, from, recovery);
    }

    /**
     * Every node in turn restarted with SIGTERM ({@code local-cluster.sh restart}), each ready before
     * the next; one run per node. What a planned move costs is measured by a {@link GroupPulse}: each
     * run's recovery is the longest any group went unserved from that node's SIGTERM until the next
     * node's (for the last node: until every group is back on its preferred leader), which covers the
     * moves away at SIGTERM and the moves back once the node is ready again.
     */
    List<FaultRun> rolling() throws Exception {
        List<FaultRun> runs = new ArrayList<>();
        String via = reachability.nodes().getFirst();
        int groups = client.cluster(via).path("groups").size();
        List<String> counters = Counters.perGroup(client, via, "chaos-pulse-" + Long.toHexString(history.now()) + "-", groups);
        try (GroupPulse pulse = GroupPulse.start(client.withTimeout(PULSE_TIMEOUT), history, reachability, counters)) {
            long quiet = history.now();
            Thread.sleep(PULSE_FLOOR_WINDOW);
            GroupPulse.Gap floor = pulse.longestGap(quiet, history.now());
            List<Long> froms = new ArrayList<>();
            List<Long> tos = new ArrayList<>();
            for (String node : cluster.nodeIds()) {
                froms.add(history.now());
                restart(node);
                tos.add(history.now());
                cluster.awaitEveryNodeReady(WHOLE_AGAIN);
            }
            cluster.awaitLeadershipSpread(via, SPREAD_LIMIT);
            long end = history.now();
            List<String> gaps = new ArrayList<>();
            List<Duration> everyMove = new ArrayList<>();
            for (int i = 0; i < froms.size(); i++) {
                long until = i + 1 < froms.size() ? froms.get(i + 1) : end;
                GroupPulse.Gap gap = pulse.longestGap(froms.get(i), until);
                List<GroupPulse.Move> moves = pulse.moves(froms.get(i), until, history.increments());
                moves.forEach(m -> everyMove.add(m.length()));
                System.out.printf(Locale.ROOT, "ChaosIT: planned moves: %s's restart moved %d leaderships, each unserved for: %s%n",
                        cluster.nodeIds().get(i), moves.size(), moves.stream().map(m -> String.format(Locale.ROOT, "group %d %s->%s %.2f s",
                                m.group(), m.from(), m.to(), m.length().toNanos() / 1e9)).toList());
                runs.add(new FaultRun(Fault.ROLLING, cluster.nodeIds().get(i), froms.get(i), tos.get(i),
                        new RecoveryProbe.Recovery(gap.length(), List.of())));
                gaps.add(String.format(Locale.ROOT, "%s: %.2f s (group %d, from %.2f s after the SIGTERM; the node was back after %.2f s)",
                        cluster.nodeIds().get(i), gap.length().toNanos() / 1e9, gap.group(), (gap.fromNanos() - froms.get(i)) / 1e9,
                        (tos.get(i) - froms.get(i)) / 1e9));
                System.out.printf(Locale.ROOT, "ChaosIT: planned moves: %s's longest gap, group %d's attempts: %s%n", cluster.nodeIds().get(i),
                        gap.group(), pulse.attempts(gap, history.increments()));
            }
            System.out.printf(Locale.ROOT, "ChaosIT: planned moves: each restart's longest time a group was unserved: %s; "
                    + "the same over %d s without a fault (the measure's floor): %.2f s%n",
                    gaps, PULSE_FLOOR_WINDOW.toSeconds(), floor.length().toNanos() / 1e9);
            List<Duration> sorted = everyMove.stream().sorted().toList();
            if (!sorted.isEmpty()) {
                System.out.printf(Locale.ROOT, "ChaosIT: planned moves: %d leadership moves, each from its group's last acknowledgement by"
                        + " the old leader to its first by the new one: median %.2f s, max %.2f s%n", sorted.size(),
                        sorted.get(sorted.size() / 2).toNanos() / 1e9, sorted.getLast().toNanos() / 1e9);
            }
        }
        return runs;
    }

    /** SIGTERM, its readiness seen DOWN (the SIGTERM took effect), started again; returns once it exited and started. */
    private void restart(String node) throws Exception {
        reachability.down(node);
        AtomicReference<LocalCluster.Outcome> restarted = new AtomicReference<>();
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread restart = Thread.ofVirtual().name("chaos-restart-" + node).start(() -> {
            try {
                restarted.set(cluster.restart(node));
            } catch (Exception e) {
                failed.set(e);
            }
        });
        long deadline = history.now() + TERM_SHOWS.toNanos();
        while (client.ready(node)) {
            if (history.now() > deadline) {
                throw new AssertionError(node + " is still ready " + TERM_SHOWS + " after its restart began");
            }
            Thread.sleep(10);
        }
        if (!restart.join(RESTART_LIMIT)) {
            throw new AssertionError("local-cluster.sh restart " + node + " did not end within " + RESTART_LIMIT);
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        expectSuccess(restarted.get(), "restart " + node);
        reachability.up(node);
    }

    private List<String> others(String node) {
        return cluster.nodeIds().stream().filter(n -> !n.equals(node)).toList();
    }

    private FaultRun whole(Fault fault, String node, long from, RecoveryProbe.Run recovery) throws Exception {
        long to = history.now();
        cluster.awaitEveryNodeReady(WHOLE_AGAIN);
        return new FaultRun(fault, node, from, to, recovery.await());
    }

    private static void expectSuccess(LocalCluster.Outcome outcome, String command) {
        assertEquals(0, outcome.exitCode(), "local-cluster.sh " + command + ":\n" + outcome.output());
    }
}
