package dev.cairn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alarms move with their group (cluster.md, Failover): 1,000 reminders (the Reminder example, which
 * records each delivery in its own file) are due together a few seconds ahead, spread over every
 * group; the node leading the most groups is killed just before they are due. Every reminder is
 * delivered at least once, those of the killed node's groups by their new leaders; deliveries made
 * more than once (at least once allows them) are counted and printed, not failed. Every handler runs
 * with the name its reminder was set under, whichever node runs it (receivers deduplicate on it). The
 * new leaders know the reminders' alarms from the replicated log, without opening each object.
 * Restarted, the killed node serves them again.
 */
class AlarmFailoverIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMINDERS = 1000;
    /** Requests under way at once while the reminders are set and read. */
    private static final int CLIENTS = 16;
    /** How long before the reminders are due the kill of their leader starts. */
    private static final Duration KILL_AHEAD = Duration.ofSeconds(1);
    /** Every reminder delivered within this after it was due: election (1–3 s), then 1,000 webhook calls and commits. */
    private static final Duration DELIVERED_WITHIN = Duration.ofSeconds(60);
    /**
     * How long one request is retried while it is answered 503: leadership may move meanwhile (an
     * election, a planned move back to a preferred member), more than once on a loaded machine.
     */
    private static final Duration SERVED_WITHIN = Duration.ofSeconds(60);
    private static LocalCluster cluster;

    @BeforeAll
    static void up() throws Exception {
        Files.createDirectories(Path.of("target/cluster-it"));
        Path dir = Files.createTempDirectory(Path.of("target/cluster-it").toAbsolutePath(), "alarm-failover-");
        long started = System.nanoTime();
        cluster = LocalCluster.up(3, dir);
        cluster.awaitLeadershipSpread("n1", Duration.ofSeconds(60)); // the kill picks a leader: none moving by plan
        System.out.printf("AlarmFailoverIT: 3 nodes ready, leadership spread, in %d ms (logs in %s)%n", (System.nanoTime() - started) / 1_000_000, dir);
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * The webhook the reminders call: answers 204 at once. Each reminder's message is its name, so a
     * call is counted for its reminder whatever name the handler saw; calls whose {@code name} is not
     * the reminder's are kept apart. The server's threads record, the test thread reads.
     */
    private static final class Deliveries implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        /** Reminder -> the name its handler posted, for calls that did not post the reminder's own. */
        private final Map<String, String> misnamed = new ConcurrentHashMap<>();

        Deliveries() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", exchange -> {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                String reminder = body.get("message").asText();
                calls.computeIfAbsent(reminder, n -> new AtomicInteger()).incrementAndGet();
                if (!reminder.equals(body.get("name").asText())) {
                    misnamed.put(reminder, body.get("name").asText());
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/delivered";
        }

        int callsFor(String reminder) {
            AtomicInteger n = calls.get(reminder);
            return n == null ? 0 : n.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void aThousandAlarmsDueWhileTheirLeaderIsKilledEachFireAtLeastOnce() throws Exception {
        String prefix = "due-" + UUID.randomUUID() + "-";
        List<String> names = new ArrayList<>();
        for (int i = 0; i < REMINDERS; i++) {
            names.add(prefix + i);
        }
        String killed;
        Map<String, String> misnamed;
        try (var hook = new Deliveries(); ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
            // Created first an hour ahead: that shows how long setting them takes here. Setting them again
            // (files exist by then: a smaller commit) then ends before the time they are set to, with half
            // as much again to spare for leadership moving meanwhile.
            long creating = System.nanoTime();
            Map<String, HttpResponse<String>> answers = setAll(clients, names, hook, "\"inMs\": 3600000");
            Duration createdIn = Duration.ofNanos(System.nanoTime() - creating);
            Instant due = Instant.now().plus(createdIn.multipliedBy(3).dividedBy(2)).plus(KILL_AHEAD).plusSeconds(1)
                    .truncatedTo(ChronoUnit.MILLIS);
            long setting = System.nanoTime();
            setAll(clients, names, hook, "\"at\": \"" + due + "\"");
            Duration setIn = Duration.ofNanos(System.nanoTime() - setting);
            Map<String, Integer> shardOf = new TreeMap<>();
            answers.forEach((name, answer) -> shardOf.put(name, Integer.parseInt(answer.headers().firstValue("Cairn-Shard").orElseThrow())));

            Duration untilKill = Duration.between(Instant.now(), due.minus(KILL_AHEAD));
            assertFalse(untilKill.isNegative(), "the reminders were set " + untilKill.negated().toMillis()
                    + " ms too late to kill their leader before they are due");
            assertTrue(hook.calls.isEmpty(), "nothing was delivered before its time: " + hook.calls);
            Thread.sleep(untilKill.toMillis());
            Instant killing = Instant.now();
            JsonNode view = JSON.readTree(cluster.send("n1", "GET", "/cluster", null).body());
            int groups = view.get("groups").size();
            assertEquals(groups, shardOf.values().stream().map(shard -> shard % groups).distinct().count(), "the reminders cover every group");
            killed = mostGroupsLed(view);
            String leader = killed;
            long onKilled = shardOf.values().stream().filter(shard -> leader.equals(view.get("owners").get(shard).get("owner").asText())).count();
            Map<String, Long> logBefore = new TreeMap<>();
            for (String node : cluster.nodeIds()) {
                logBefore.put(node, Files.size(cluster.log(node)));
            }
            var kill = cluster.kill(killed);
            assertEquals(0, kill.exitCode(), kill.output());
            Instant killedAt = Instant.now();
            System.out.printf("AlarmFailoverIT: %d reminders created in %d ms, set due at %s in %d ms; %s, leading %s"
                            + " of the groups and %d of the reminders, killed from %d ms to %d ms before they were due%n",
                    REMINDERS, createdIn.toMillis(), due, setIn.toMillis(), killed, leaders(view), onKilled,
                    Duration.between(killing, due).toMillis(), Duration.between(killedAt, due).toMillis());
            assertTrue(onKilled > 0, killed + " leads " + onKilled + " of the reminders");

            List<String> survivors = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).toList();
            Map<String, JsonNode> delivered = awaitDelivered(clients, names, survivors, due.plus(DELIVERED_WITHIN));
            Instant last = Instant.EPOCH;
            Instant lastOfKilled = Instant.EPOCH;
            int storedTwice = 0;
            for (String name : names) {
                JsonNode reminder = delivered.get(name);
                assertTrue(reminder.get("scheduledTime").isNull(), name + " is no longer pending: " + reminder);
                JsonNode first = reminder.get("deliveries").get(0);
                assertEquals(due, Instant.parse(first.get("scheduledTime").asText()), name + ": " + reminder);
                Instant at = Instant.parse(first.get("deliveredAt").asText());
                assertFalse(at.isBefore(due), name + " delivered before its time: " + reminder);
                last = at.isAfter(last) ? at : last;
                if (killed.equals(view.get("owners").get(shardOf.get(name)).get("owner").asText())) {
                    lastOfKilled = at.isAfter(lastOfKilled) ? at : lastOfKilled;
                }
                storedTwice += reminder.get("deliveries").size() > 1 ? 1 : 0;
                assertTrue(hook.callsFor(name) >= 1, name + " is recorded as delivered, so the webhook was called for it");
            }
            // The new leaders knew the alarms of the groups they took over from the replicated log: none opened every object to find them.
            List<String> takeovers = new ArrayList<>();
            for (String node : survivors) {
                String log = Files.readString(cluster.log(node)).substring(Math.toIntExact(logBefore.get(node)));
                log.lines().filter(line -> line.contains("alarms: took over group")).map(line -> node + ": " + line).forEach(takeovers::add);
            }
            System.out.printf("AlarmFailoverIT: takeovers after the kill:%n  %s%n", String.join("\n  ", takeovers));
            assertFalse(takeovers.isEmpty(), "the survivors took over the killed node's groups");
            assertTrue(takeovers.stream().allMatch(line -> line.contains("its alarms known from the replicated log")), takeovers.toString());
            long calledTwice = names.stream().filter(n -> hook.callsFor(n) > 1).count();
            int calls = names.stream().mapToInt(hook::callsFor).sum();
            misnamed = new TreeMap<>(hook.misnamed);
            System.out.printf("AlarmFailoverIT: all %d delivered, the last %d ms after they were due (the last of %s's %d: %d ms);"
                            + " webhook calls %d, reminders called more than once %d, recorded as delivered more than once %d;"
                            + " reminders whose handler posted another name than their own (their id: it saw none) %d%n",
                    REMINDERS, Duration.between(due, last).toMillis(), killed, onKilled, Duration.between(due, lastOfKilled).toMillis(),
                    calls, calledTwice, storedTwice, misnamed.size());
        }

        var restarted = cluster.start(killed);
        assertEquals(0, restarted.exitCode(), restarted.output());
        cluster.awaitEveryNodeReady(Duration.ofSeconds(30));
        for (String name : names.subList(0, 30)) {
            var answer = LocalCluster.retryingUnavailable(() -> cluster.send(killed, "GET", "/objects/reminder/" + name, null),
                    Instant.now().plus(SERVED_WITHIN));
            assertEquals(200, answer.statusCode(), killed + " after its restart, " + name + ": " + answer.body());
            assertFalse(JSON.readTree(answer.body()).get("deliveries").isEmpty(), killed + " after its restart: " + answer.body());
        }
        // An alarm set through a name runs with that name wherever its group's leader is, as it does on a
        // single node (the index keeps the name): the Reminder posts it, and receivers deduplicate on it.
        assertTrue(misnamed.isEmpty(), misnamed.size() + " reminders' handlers ran without the name they were set under,"
                + " e.g. (reminder=name posted) " + misnamed.entrySet().stream().limit(3).toList());
    }

    /** The member leading the most groups (the first in member order among equals). */
    private static String mostGroupsLed(JsonNode view) {
        Map<String, Integer> led = leaders(view);
        return cluster.nodeIds().stream().max(Comparator.comparingInt((String n) -> led.getOrDefault(n, 0))
                .thenComparing(Comparator.reverseOrder())).orElseThrow();
    }

    private static Map<String, Integer> leaders(JsonNode view) {
        Map<String, Integer> led = new TreeMap<>();
        view.get("groups").forEach(g -> led.merge(g.get("leader").asText(), 1, Integer::sum));
        return led;
    }

    /** PUTs every reminder (through the nodes in turn) with {@code when}; each must be answered 200. */
    private static Map<String, HttpResponse<String>> setAll(ExecutorService clients, List<String> names, Deliveries hook, String when)
            throws Exception {
        List<Callable<HttpResponse<String>>> puts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String via = cluster.nodeIds().get(i % cluster.nodeIds().size());
            String path = "/objects/reminder/" + names.get(i);
            String body = "{\"url\": \"" + hook.url() + "\", \"message\": \"" + names.get(i) + "\", " + when + "}";
            puts.add(() -> LocalCluster.retryingUnavailable(() -> cluster.send(via, "PUT", path, body), Instant.now().plus(SERVED_WITHIN)));
        }
        Map<String, HttpResponse<String>> answers = new TreeMap<>();
        List<HttpResponse<String>> done = all(clients, puts);
        for (int i = 0; i < names.size(); i++) {
            HttpResponse<String> answer = done.get(i);
            assertEquals(200, answer.statusCode(), names.get(i) + ": " + answer.body());
            answers.put(names.get(i), answer);
        }
        return answers;
    }

    /** Runs {@code tasks} on {@code clients}: their results in order, or the first failure as it was thrown. */
    private static <T> List<T> all(ExecutorService clients, List<Callable<T>> tasks) throws Exception {
        List<T> results = new ArrayList<>();
        for (Future<T> task : clients.invokeAll(tasks)) {
            try {
                results.add(task.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw (Exception) e.getCause();
            }
        }
        return results;
    }

    /**
     * Reads every reminder through the survivors until each lists a delivery, rereading those that do
     * not yet; 503s (an election under way) are retried. Fails at {@code deadline} naming those left.
     */
    private static Map<String, JsonNode> awaitDelivered(ExecutorService clients, List<String> names, List<String> via, Instant deadline)
            throws Exception {
        Map<String, JsonNode> delivered = new ConcurrentHashMap<>();
        List<String> waiting = names;
        while (!waiting.isEmpty()) {
            List<Callable<Void>> reads = new ArrayList<>();
            for (int i = 0; i < waiting.size(); i++) {
                String name = waiting.get(i);
                String node = via.get(i % via.size());
                reads.add(() -> {
                    var answer = LocalCluster.retryingUnavailable(() -> cluster.send(node, "GET", "/objects/reminder/" + name, null), deadline);
                    assertEquals(200, answer.statusCode(), name + " through " + node + ": " + answer.body());
                    JsonNode reminder = JSON.readTree(answer.body());
                    if (!reminder.get("deliveries").isEmpty()) {
                        delivered.put(name, reminder);
                    }
                    return null;
                });
            }
            all(clients, reads);
            waiting = waiting.stream().filter(n -> !delivered.containsKey(n)).toList();
            if (!waiting.isEmpty()) {
                assertTrue(Instant.now().isBefore(deadline), waiting.size() + " reminders not delivered by " + deadline
                        + ", e.g. " + waiting.subList(0, Math.min(5, waiting.size())));
                Thread.sleep(500);
            }
        }
        return delivered;
    }
}
