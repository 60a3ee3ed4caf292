package dev.cairn.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures how long after a fault every counter answers an increment again: from the moment the fault
 * is in effect, each counter is incremented (through the given nodes in turn) until one increment is
 * acknowledged, pausing between attempts (doubling from a first pause up to a longest one, so that a
 * long outage is not flooded); its time is when that acknowledgement came. The recovery
 * time is the last counter's. The probes are increments like the workload's and go into the same
 * {@link History}. Every loop ends by a limit. Thread-safe; each probe run has its own threads.
 */
final class RecoveryProbe {
    private final CounterClient client;
    private final History history;
    private final List<String> counters;
    private final Duration firstPause;
    private final Duration longestPause;
    private final Duration limit;

    /**
     * {@code client}: with a short timeout (a probe answered late measures late); {@code firstPause}
     * and {@code longestPause} between the attempts of one counter (the resolution of the measure);
     * {@code limit}: how long after the fault a counter may take.
     */
    RecoveryProbe(CounterClient client, History history, List<String> counters, Duration firstPause, Duration longestPause,
                  Duration limit) {
        this.client = client;
        this.history = history;
        this.counters = List.copyOf(counters);
        this.firstPause = firstPause;
        this.longestPause = longestPause;
        this.limit = limit;
    }

    /** What a probe run found: the time from the fault until the last counter answered, and the counters that never did. */
    record Recovery(Duration time, List<String> unrecovered) {}

    /** A probe run under way. */
    final class Run {
        private final long faultAt;
        private final List<Thread> threads = new ArrayList<>();
        private final Map<String, Long> recoveredAt = new ConcurrentHashMap<>();

        private Run(long faultAt, List<String> via) {
            this.faultAt = faultAt;
            for (int i = 0; i < counters.size(); i++) {
                String counter = counters.get(i);
                int first = i;
                threads.add(Thread.ofVirtual().name("chaos-probe-" + counter).start(() -> probe(counter, via, first)));
            }
        }

        private void probe(String counter, List<String> via, int first) {
            long deadline = faultAt + limit.toNanos();
            Duration pause = firstPause;
            try {
                for (int attempt = first; history.now() < deadline; attempt++) {
                    String node = via.get(attempt % via.size());
                    Outcome outcome = history.sendIncrement(client, counter, node);
                    if (outcome instanceof Outcome.Acked) {
                        recoveredAt.put(counter, history.now());
                        return;
                    }
                    Thread.sleep(pause);
                    pause = pause.multipliedBy(2).compareTo(longestPause) < 0 ? pause.multipliedBy(2) : longestPause;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits for every counter (until the limit, plus one request) and says how long they took. */
        Recovery await() throws InterruptedException {
            for (Thread thread : threads) {
                long left = faultAt + limit.toNanos() - history.now();
                if (!thread.join(Duration.ofNanos(Math.max(left, 0)).plusSeconds(5))) {
                    throw new AssertionError(thread.getName() + " did not end within " + limit + " of the fault");
                }
            }
            long last = recoveredAt.values().stream().mapToLong(Long::longValue).max().orElse(faultAt);
            List<String> unrecovered = counters.stream().filter(c -> !recoveredAt.containsKey(c)).toList();
            return new Recovery(Duration.ofNanos(unrecovered.isEmpty() ? last - faultAt : limit.toNanos()), unrecovered);
        }
    }

    /** Starts probing every counter through {@code via} (round robin), for a fault in effect since {@code faultAt} (the history's clock). */
    Run start(long faultAt, List<String> via) {
        if (via.isEmpty()) {
            throw new IllegalArgumentException("no node to probe through");
        }
        return new Run(faultAt, List.copyOf(via));
    }
}
