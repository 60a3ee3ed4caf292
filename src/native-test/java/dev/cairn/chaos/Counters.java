package dev.cairn.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks counter names that cover every shard (and so every Raft group), asking the cluster which
 * shard each candidate name falls in: a name's shard comes from an HMAC under the namespace's key,
 * which the test does not know. Reading a counter creates it at 0; a retryable answer is asked again.
 */
final class Counters {
    /** Candidate names tried per counter wanted before giving up. */
    private static final int CANDIDATES_PER_COUNTER = 20;
    /**
     * How long one name may go on answering a retryable 503 or timing out: right after a fault the
     * cluster may still be electing or handing leadership back to preferred members.
     */
    private static final Duration RETRY_LIMIT = Duration.ofSeconds(60);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private Counters() {}

    /**
     * {@code count} names {@code prefix0}, {@code prefix1}, … such that each of the {@code shards}
     * shards holds at least one of them (when {@code count >= shards}), read through {@code node}.
     */
    static List<String> spread(CounterClient client, String node, String prefix, int count, int shards) throws InterruptedException {
        Map<Integer, List<String>> byShard = new LinkedHashMap<>();
        int wantedShards = Math.min(count, shards);
        int tried = 0;
        for (int i = 0; byShard.size() < wantedShards || tried < count; i++) {
            if (i >= count * CANDIDATES_PER_COUNTER) {
                throw new AssertionError(i + " names cover " + byShard.size() + " of " + shards + " shards only: " + byShard.keySet());
            }
            String name = prefix + i;
            CounterClient.Reading reading = readRetrying(client, node, name);
            if (!(reading instanceof CounterClient.Reading.Value value)) {
                throw new AssertionError("reading the new counter " + name + " through " + node + " failed: " + reading);
            }
            if (value.shard() < 0) {
                throw new AssertionError("the answer for counter " + name + " names no shard (Cairn-Shard): is this a cluster?");
            }
            byShard.computeIfAbsent(value.shard(), s -> new ArrayList<>()).add(name);
            tried++;
        }
        List<String> chosen = new ArrayList<>();
        byShard.values().forEach(names -> chosen.add(names.getFirst())); // one per shard first
        for (List<String> names : byShard.values()) {
            for (String name : names.subList(1, names.size())) {
                if (chosen.size() < count) {
                    chosen.add(name);
                }
            }
        }
        return List.copyOf(chosen.subList(0, count));
    }

    /**
     * One name {@code prefix0}, {@code prefix1}, … per Raft group, by group (a shard's group is the shard
     * modulo {@code groups}: cluster.Groups), read through {@code node}.
     */
    static List<String> perGroup(CounterClient client, String node, String prefix, int groups) throws InterruptedException {
        String[] chosen = new String[groups];
        int found = 0;
        for (int i = 0; found < groups; i++) {
            if (i >= groups * CANDIDATES_PER_COUNTER) {
                throw new AssertionError(i + " names cover " + found + " of " + groups + " groups only");
            }
            String name = prefix + i;
            if (!(readRetrying(client, node, name) instanceof CounterClient.Reading.Value value) || value.shard() < 0) {
                throw new AssertionError("reading the new counter " + name + " through " + node + " named no shard");
            }
            int group = value.shard() % groups;
            if (chosen[group] == null) {
                chosen[group] = name;
                found++;
            }
        }
        return List.of(chosen);
    }

    private static CounterClient.Reading readRetrying(CounterClient client, String node, String name) throws InterruptedException {
        long deadline = System.nanoTime() + RETRY_LIMIT.toNanos();
        while (true) {
            CounterClient.Reading reading = client.read(node, name);
            boolean retryable = reading instanceof CounterClient.Reading.Unread(String reason)
                    && (reason.startsWith("503 ") && (reason.contains("\"retryable\":true") || reason.contains("\"overloaded\":true"))
                            || reason.startsWith("HttpTimeoutException"));
            if (!retryable || System.nanoTime() > deadline) {
                return reading;
            }
            Thread.sleep(RETRY_PAUSE.toMillis());
        }
    }
}
