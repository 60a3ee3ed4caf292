package dev.cairn.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cluster.LocalCluster;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Jepsen-style: three nodes of the packaged service (each in a network namespace of its own when this
 * machine allows, else on loopback) under a workload of concurrent clients incrementing and reading
 * counters spread over every shard, while one kind of fault is injected again and again; then every
 * counter is read and the {@link Checker} holds the history to a durable, linearizable counter:
 * <b>no acknowledged increment lost, no value acknowledged twice, no stale read</b> (and no increment
 * applied that was reported as not applied). Each fault's recovery (until a counter of every shard answers an
 * increment again) is measured; a table of all of it is printed at the end.
 *
 * <p>Repetitions per fault: {@code -Dcairn.chaos.repetitions} (default {@value #DEFAULT_REPETITIONS}, for
 * CI; docs/cluster.md shows the longer run). The clients offer {@code -Dcairn.chaos.rate} operations per
 * second in all (default {@value #DEFAULT_RATE}: about half of what three warm nodes sharing two cores
 * serve, so that a recovery time measures the failover, not a queue the clients built up; {@code 0}:
 * each client back to back, as many as the cluster serves). The clients' choices come from {@code -Dcairn.chaos.seed}
 * (printed; random by default). {@code -Dcairn.chaos.node-options} adds JVM options, space-separated, to
 * every node (for instance an access log with each request's time, to read a gap in the nodes' logs).
 *
 * <p>What a replicated cluster (cluster part 2: {@code GET /cluster} lists its Raft {@code groups})
 * must do beyond that is asserted only there: recovery after kill -9 and partition within 3 s median
 * and 5 s max, a rolling restart's moves within 0.5 s answering nothing but retryable 503s, a wiped
 * follower rebuilt. Without replication (part 1) a wiped node loses its objects, so that fault is
 * skipped, saying why, and a killed node's objects come back with its restart only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIT {
    private static final int DEFAULT_REPETITIONS = 1;
    private static final int REPETITIONS = Integer.getInteger("cairn.chaos.repetitions", DEFAULT_REPETITIONS);
    private static final long SEED = Long.getLong("cairn.chaos.seed", System.nanoTime());
    private static final int NODES = 3;
    private static final int CLIENTS = 32;
    private static final int DEFAULT_RATE = 100;
    private static final int RATE = Integer.getInteger("cairn.chaos.rate", DEFAULT_RATE);
    /** Each client's mean time between operations. */
    private static final Duration CLIENT_INTERVAL = RATE <= 0 ? Duration.ZERO : Duration.ofSeconds(CLIENTS).dividedBy(RATE);
    private static final int COUNTERS = 300;
    private static final String[] NODE_OPTIONS = System.getProperty("cairn.chaos.node-options", "").isBlank() ? new String[0]
            : System.getProperty("cairn.chaos.node-options").strip().split(" +");
    private static final int READ_PERCENT = 20;
    /** A client request's limit: a request without an answer by then has an unknown outcome. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration WORKLOAD_CLOSE_LIMIT = Duration.ofSeconds(15);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration PROBE_FIRST_PAUSE = Duration.ofMillis(50);
    private static final Duration PROBE_LONGEST_PAUSE = Duration.ofMillis(250);
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(120);
    /** How long a node stays killed, stopped or partitioned: past an election and a leader lease in part 2. */
    private static final Duration HELD = Duration.ofSeconds(5);
    private static final Duration WARM_UP = Duration.ofSeconds(1);
    /** Between two repetitions, with the cluster whole. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration FINAL_READS_LIMIT = Duration.ofSeconds(60);
    /** Part 2's targets (issue 17). */
    private static final Duration FAILOVER_MEDIAN = Duration.ofSeconds(3);
    private static final Duration FAILOVER_MAX = Duration.ofSeconds(5);
    private static final Duration PLANNED_MOVE_MAX = Duration.ofMillis(500);

    /** One line of the table: a fault kind exercised (or skipped, with why). */
    private record Row(Fault fault, int repetitions, Checker.Report report, List<Duration> recoveries, Duration took, String skipped) {}

    private static LocalCluster cluster;
    private static CounterClient client;
    private static Optional<String> noNamespaces;
    private static boolean replicated;
    private static int shards;
    private static final Map<Fault, Row> ROWS = new EnumMap<>(Fault.class);
    private static final List<Duration> BASELINES = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        noNamespaces = LocalCluster.namespacesUnavailable();
        LocalCluster.Network network = noNamespaces.isEmpty() ? LocalCluster.Network.NAMESPACES : LocalCluster.Network.LOOPBACK;
        Files.createDirectories(Path.of("target/cluster-it"));
        Path dir = Files.createTempDirectory(Path.of("target/cluster-it").toAbsolutePath(), "chaos-");
        long started = System.nanoTime();
        cluster = LocalCluster.up(NODES, dir, network, NODE_OPTIONS);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
        client = new CounterClient(http, cluster::url, REQUEST_TIMEOUT);
        JsonNode view = client.cluster("n1");
        shards = view.path("shards").asInt();
        replicated = view.path("groups").isArray() && !view.path("groups").isEmpty();
        System.out.printf(Locale.ROOT, "ChaosIT: %d nodes ready in %d ms (%s%s; logs in %s); %s; %d repetitions per fault; %d clients offering %s; seed %d%n",
                NODES, (System.nanoTime() - started) / 1_000_000, network, noNamespaces.map(why -> ": " + why).orElse(""), dir,
                replicated ? "replicated (GET /cluster lists groups)" : "not replicated (GET /cluster lists no groups: cluster part 1)",
                REPETITIONS, CLIENTS, offered(), SEED);
    }

    @AfterAll
    static void down() throws Exception {
        System.out.println(table());
        if (cluster != null) {
            cluster.close();
        }
    }

    /** One fault injected, from a running workload, by {@link #exercise}. */
    @FunctionalInterface
    private interface Injection {
        List<Faults.FaultRun> inject(Faults faults) throws Exception;
    }

    @Test
    @Order(1)
    void killNineOfTheNodeOwningMostShardsThenItsRestartLosesNothingAcknowledged() throws Exception {
        exercise(Fault.KILL, faults -> List.of(faults.kill(faults.owningMost(), HELD)));
    }

    @Test
    @Order(2)
    void sigstopOfTheNodeOwningMostShardsPastItsLeaseThenSigcontServesNoStaleState() throws Exception {
        exercise(Fault.STOP, faults -> List.of(faults.stop(faults.owningMost(), HELD)));
    }

    @Test
    @Order(3)
    void aPartitionIsolatingTheNodeOwningMostShardsWithClientsOnBothSidesLosesNothingAndReadsNothingStale() throws Exception {
        skipUnless(Fault.PARTITION, noNamespaces.isEmpty(), "a partition needs the nodes in network namespaces: " + noNamespaces.orElse(""));
        exercise(Fault.PARTITION, faults -> List.of(faults.partition(faults.owningMost(), HELD)));
    }

    @Test
    @Order(4)
    void aFollowerWipedAndRestartedIsRebuiltAndLosesNothing() throws Exception {
        skipUnless(Fault.WIPE, replicated, "the cluster keeps one copy of each object (GET /cluster lists no groups: part 1), "
                + "so a wiped data directory loses that node's objects by design");
        exercise(Fault.WIPE, faults -> List.of(faults.wipe(faults.owningFewest())));
    }

    @Test
    @Order(5)
    void aRollingSigtermRestartOfEveryNodeLosesNothing() throws Exception {
        exercise(Fault.ROLLING, Faults::rolling);
    }

    private static void skipUnless(Fault fault, boolean runs, String reason) {
        if (!runs) {
            ROWS.put(fault, new Row(fault, 0, null, List.of(), Duration.ZERO, reason));
            System.out.println("ChaosIT: " + fault.label() + " skipped: " + reason);
        }
        Assumptions.assumeTrue(runs, reason);
    }

    /**
     * Runs the workload over fresh counters, injects the fault {@link #REPETITIONS} times, makes the
     * cluster whole, reads every counter and checks the history.
     */
    private static void exercise(Fault fault, Injection injection) throws Exception {
        long started = System.nanoTime();
        String prefix = "chaos-" + fault.name().toLowerCase(Locale.ROOT) + "-" + Long.toHexString(SEED) + "-";
        if (replicated) {
            // Every fault starts from the same cluster: each group back on its preferred leader after the last fault.
            cluster.awaitLeadershipSpread(cluster.nodeIds().getFirst(), Faults.SPREAD_LIMIT);
        }
        List<String> counters = Counters.spread(client, cluster.nodeIds().getFirst(), prefix, COUNTERS, shards);
        History history = new History(System::nanoTime);
        Reachability reachability = new Reachability(cluster.nodeIds());
        // One counter of each shard (Counters.spread lists those first): a shard's objects serve again together, with its
        // group's leader, and a burst of all 300 on top of the workload would measure the machine's queue, not the failover.
        RecoveryProbe probe = new RecoveryProbe(client.withTimeout(PROBE_TIMEOUT), history, counters.subList(0, Math.min(shards,
                counters.size())), PROBE_FIRST_PAUSE, PROBE_LONGEST_PAUSE, RECOVERY_LIMIT);
        Faults faults = new Faults(cluster, client, reachability, probe, history);
        List<Faults.FaultRun> runs = new ArrayList<>();
        Duration baseline;
        try (Workload workload = Workload.start(client, history, reachability, counters, CLIENTS, CLIENT_INTERVAL, READ_PERCENT,
                SEED + fault.ordinal(), WORKLOAD_CLOSE_LIMIT)) {
            Thread.sleep(WARM_UP);
            // What the probe alone takes on a whole cluster under this load: the floor of every recovery time.
            baseline = probe.start(history.now(), cluster.nodeIds()).await().time();
            BASELINES.add(baseline);
            for (int repetition = 0; repetition < REPETITIONS; repetition++) {
                runs.addAll(injection.inject(faults));
                Thread.sleep(SETTLE);
            }
        } catch (Exception | AssertionError failed) {
            // The fault's own failure is the one to read; a cluster that cannot be made whole after it comes second.
            try {
                makeWhole();
            } catch (Exception | AssertionError notWhole) {
                failed.addSuppressed(notWhole);
            }
            throw failed;
        }
        makeWhole();
        // The workload's counters, and those a fault's own measure incremented (Faults.rolling's pulse).
        Set<String> incremented = new LinkedHashSet<>(counters);
        history.increments().forEach(increment -> incremented.add(increment.counter()));
        readFinalValues(history, List.copyOf(incremented));
        Checker.Report report = Checker.check(history);
        List<Duration> recoveries = runs.stream().map(run -> run.recovery().time()).toList();
        ROWS.put(fault, new Row(fault, runs.size(), report, recoveries, Duration.ofNanos(System.nanoTime() - started), null));
        System.out.printf(Locale.ROOT, "ChaosIT: %s: %s%n  the probe alone, before the faults: %s; runs: %s%n", fault.label(), report,
                seconds(baseline), runs);

        for (Faults.FaultRun run : runs) {
            assertTrue(run.recovery().unrecovered().isEmpty(), fault.label() + " on " + run.node() + ": counters that never answered an increment again within "
                    + RECOVERY_LIMIT + ": " + run.recovery().unrecovered());
        }
        assertTrue(report.acked() > 0, "the workload got increments acknowledged: " + report);
        assertEquals(0, report.lost(), "acknowledged increments lost: " + report);
        assertEquals(0, report.duplicates(), "values acknowledged twice: " + report);
        assertEquals(0, report.stale(), "stale reads and increments: " + report);
        assertEquals(0, report.phantom(), "increments reported as not applied were applied: " + report);
        assertEquals(0, report.missingFinals(), "counters without a final value: " + report);
        if (replicated) {
            assertReplicatedTargets(fault, runs, recoveries, history);
        }
    }

    /**
     * The recovery targets (≤ 3 s median and ≤ 5 s max after kill -9 and partition, ≤ 0.5 s for planned
     * moves) are performance goals: printed with a verdict, measured by the long run by hand on a quiet
     * machine, not asserted on a shared CI machine. What clients see during planned moves is asserted:
     * no answer but a retryable 503 (requests that got no answer at all are counted and printed).
     */
    private static void assertReplicatedTargets(Fault fault, List<Faults.FaultRun> runs, List<Duration> recoveries, History history) {
        switch (fault) {
            case KILL, PARTITION -> System.out.printf(Locale.ROOT, "ChaosIT: %s: recovery median %s (target %s), max %s (target %s): %s%n",
                    fault.label(), median(recoveries), FAILOVER_MEDIAN, max(recoveries), FAILOVER_MAX,
                    median(recoveries).compareTo(FAILOVER_MEDIAN) <= 0 && max(recoveries).compareTo(FAILOVER_MAX) <= 0 ? "met" : "missed");
            case ROLLING -> {
                System.out.printf(Locale.ROOT, "ChaosIT: planned moves: longest time a group went unserved %s (target %s): %s%n",
                        max(recoveries), PLANNED_MOVE_MAX,
                        max(recoveries).compareTo(PLANNED_MOVE_MAX) <= 0 ? "met" : "missed");
                // Sent to a node that stayed up: its answers are the moves' answers. A request that got no
                // answer (a connect or request timeout while a restarting JVM takes both cores) is
                // reported, not held against the moves: nothing was answered, so nothing but a retry follows.
                List<Outcome> toTheOthers = history.increments().stream().filter(i -> runs.stream().noneMatch(run -> run.hit(i)))
                        .map(History.Increment::outcome).toList();
                List<String> notRetryable = toTheOthers.stream()
                        .map(outcome -> switch (outcome) {
                            case Outcome.Acked a -> "";
                            case Outcome.Failed f -> f.reason();
                            case Outcome.Unknown u -> u.reason();
                        })
                        .filter(reason -> reason.matches("\\d{3} .*") && !reason.startsWith("503 ")).limit(10).toList();
                long unanswered = toTheOthers.stream().filter(outcome -> switch (outcome) {
                    case Outcome.Acked a -> false;
                    case Outcome.Failed f -> !f.reason().matches("\\d{3} .*");
                    case Outcome.Unknown u -> !u.reason().matches("\\d{3} .*");
                }).count();
                System.out.printf(Locale.ROOT, "ChaosIT: planned moves: %d increments sent to nodes that stayed up, %d of them unanswered"
                        + " (timeouts)%n", toTheOthers.size(), unanswered);
                assertTrue(notRetryable.isEmpty(), "a rolling restart answers nothing but retryable 503s: " + notRetryable);
            }
            case STOP, WIPE -> { } // held to the invariants above
        }
    }

    /** Every node running, continued, healed and ready, whatever a fault left behind. */
    private static void makeWhole() throws Exception {
        for (String node : cluster.nodeIds()) {
            if (cluster.network() == LocalCluster.Network.NAMESPACES) {
                cluster.heal(node);
            }
            if (cluster.running(node)) {
                cluster.cont(node);
            } else {
                LocalCluster.Outcome started = cluster.start(node);
                assertEquals(0, started.exitCode(), "start " + node + " to make the cluster whole:\n" + started.output());
            }
        }
        cluster.awaitEveryNodeReady(Duration.ofSeconds(60));
    }

    /** Reads every counter (through the nodes in turn, retrying within a limit) into the history's final values. */
    private static void readFinalValues(History history, List<String> counters) throws InterruptedException {
        long deadline = history.now() + FINAL_READS_LIMIT.toNanos();
        Map<String, String> lastFailure = new ConcurrentHashMap<>();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < counters.size(); i++) {
            String counter = counters.get(i);
            int first = i;
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int attempt = first; history.now() < deadline; attempt++) {
                        String node = cluster.nodeIds().get(attempt % NODES);
                        switch (client.read(node, counter)) {
                            case CounterClient.Reading.Value value -> {
                                history.finalValue(counter, value.value(), value.servedBy());
                                return;
                            }
                            case CounterClient.Reading.Unread unread -> lastFailure.put(counter, node + ": " + unread.reason());
                        }
                        Thread.sleep(PROBE_LONGEST_PAUSE);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread reader : readers) {
            if (!reader.join(FINAL_READS_LIMIT.plus(REQUEST_TIMEOUT))) {
                throw new AssertionError("a final read did not end within " + FINAL_READS_LIMIT);
            }
        }
        lastFailure.keySet().removeAll(history.finals().keySet());
        assertTrue(lastFailure.isEmpty(), "counters whose final value could not be read: " + lastFailure);
    }

    private static Duration median(List<Duration> samples) {
        List<Duration> sorted = samples.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? Duration.ZERO : n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
    }

    private static Duration max(List<Duration> samples) {
        return samples.stream().max(Duration::compareTo).orElse(Duration.ZERO);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }

    private static String offered() {
        return RATE <= 0 ? "operations back to back" : RATE + " operations/s";
    }

    private static String table() {
        var out = new StringBuilder(String.format(Locale.ROOT,
                "ChaosIT (%s, %d nodes, %d clients offering %s, %d counters, seed %d):%n| fault | repetitions | acked | unknown | failed | reads "
                        + "| lost | duplicates | stale | phantom | recovery median | recovery max | took |%n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|%n",
                replicated ? "replicated" : "not replicated", NODES, CLIENTS, offered(), COUNTERS, SEED));
        if (!BASELINES.isEmpty()) {
            out.append(String.format(Locale.ROOT, "| none (the probe alone) | %d | | | | | | | | | %s | %s | |%n",
                    BASELINES.size(), seconds(median(BASELINES)), seconds(max(BASELINES))));
        }
        for (Row row : ROWS.values()) {
            if (row.skipped() != null) {
                out.append(String.format(Locale.ROOT, "| %s | skipped: %s |%n", row.fault().label(), row.skipped()));
                continue;
            }
            Checker.Report r = row.report();
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s |%n",
                    row.fault().label(), row.repetitions(), r.acked(), r.unknown(), r.failed(), r.reads(), r.lost(), r.duplicates(),
                    r.stale(), r.phantom(), seconds(median(row.recoveries())), seconds(max(row.recoveries())), seconds(row.took())));
        }
        return out.toString();
    }
}
