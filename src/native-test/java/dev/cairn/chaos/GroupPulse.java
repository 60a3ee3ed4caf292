package dev.cairn.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Measures how long each Raft group serves nothing while its leadership moves: one client per group
 * increments a counter of that group every {@link #PERIOD} (or back to back, when a request takes
 * longer) through the nodes clients send to, and keeps the time of every acknowledgement. The longest
 * time without one, over a window, is the group's longest outage there, to within a period plus one
 * request's latency under the workload (measured alone by {@link #longestGap} over a window without
 * faults). The increments go into the
 * {@link History} like the workload's. Thread-safe; each group's client runs on its own thread.
 */
final class GroupPulse implements AutoCloseable {
    /**
     * Between the starts of two increments of a group: the measure's resolution, fine beside the 0.5 s
     * target; six groups at this pace add 120 requests/s to the workload.
     */
    private static final Duration PERIOD = Duration.ofMillis(50);

    private final List<Thread> threads = new ArrayList<>();
    /** Per group: the history's time of each acknowledgement, in order. */
    private final List<ConcurrentLinkedQueue<Long>> acks = new ArrayList<>();
    private final History history;
    private final List<String> counters;
    private volatile boolean closed;

    /** A group's longest outage in a window, and when it began (the history's clock). */
    record Gap(int group, Duration length, long fromNanos) {}

    private GroupPulse(CounterClient client, History history, Reachability reachability, List<String> counterPerGroup) {
        this.history = history;
        this.counters = List.copyOf(counterPerGroup);
        for (int g = 0; g < counterPerGroup.size(); g++) {
            ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
            acks.add(times);
            String counter = counterPerGroup.get(g);
            threads.add(Thread.ofVirtual().name("chaos-pulse-" + g).start(() -> beat(client, reachability, counter, times)));
        }
    }

    /** Starts one client per group on {@code counterPerGroup} (indexed by group). */
    static GroupPulse start(CounterClient client, History history, Reachability reachability, List<String> counterPerGroup) {
        return new GroupPulse(client, history, reachability, counterPerGroup);
    }

    private void beat(CounterClient client, Reachability reachability, String counter, ConcurrentLinkedQueue<Long> times) {
        try {
            for (int attempt = 0; !closed; attempt++) {
                List<String> nodes = reachability.nodes();
                String node = nodes.get(attempt % nodes.size());
                long started = history.now();
                if (history.sendIncrement(client, counter, node) instanceof Outcome.Acked) {
                    times.add(history.now());
                }
                long pause = PERIOD.toNanos() - (history.now() - started);
                if (pause > 0) {
                    Thread.sleep(Duration.ofNanos(pause));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The longest time any group went without an acknowledgement within {@code [from, to]} (the
     * history's clock), the window's ends counting as acknowledgements.
     */
    Gap longestGap(long from, long to) {
        Gap longest = new Gap(-1, Duration.ZERO, from);
        for (int g = 0; g < acks.size(); g++) {
            long previous = from;
            List<Long> inWindow = new ArrayList<>(acks.get(g).stream().filter(t -> t >= from && t <= to).toList());
            inWindow.add(to);
            for (long t : inWindow) {
                if (t - previous > longest.length().toNanos()) {
                    longest = new Gap(g, Duration.ofNanos(t - previous), previous);
                }
                previous = t;
            }
        }
        return longest;
    }

    /** A group's leadership moving: its last acknowledgement by {@code from}, then {@code length} until its first by {@code to}. */
    record Move(int group, String from, String to, Duration length) {}

    /**
     * Each move of a group's leadership within {@code [from, to]} (the history's clock), as its client saw
     * it: two acknowledgements in a row served by different nodes, and the time between them. Unlike
     * {@link #longestGap}, it leaves out the gaps in which no leadership moved (the workload's own queues).
     */
    List<Move> moves(long from, long to, List<History.Increment> increments) {
        List<Move> moves = new ArrayList<>();
        for (int g = 0; g < counters.size(); g++) {
            String counter = counters.get(g);
            List<History.Increment> acked = increments.stream()
                    .filter(i -> i.counter().equals(counter) && i.outcome() instanceof Outcome.Acked && i.endNanos() >= from && i.endNanos() <= to)
                    .sorted(Comparator.comparingLong(History.Increment::endNanos)).toList();
            for (int k = 1; k < acked.size(); k++) {
                String before = ((Outcome.Acked) acked.get(k - 1).outcome()).node();
                String after = ((Outcome.Acked) acked.get(k).outcome()).node();
                if (!before.equals(after)) {
                    moves.add(new Move(g, before, after, Duration.ofNanos(acked.get(k).endNanos() - acked.get(k - 1).endNanos())));
                }
            }
        }
        return moves;
    }

    /**
     * What the group's client saw during {@code gap}: when the gap began (UTC, to find it in the nodes'
     * logs), then each attempt's node, its start after the gap's beginning, its duration and outcome
     * (the reason for a failure), to tell a slow node from a move.
     */
    String attempts(Gap gap, List<History.Increment> increments) {
        String counter = counters.get(gap.group());
        long to = gap.fromNanos() + gap.length().toNanos();
        Instant began = Instant.now().minusNanos(history.now() - gap.fromNanos());
        return "[gap from " + began + "] " + increments.stream()
                .filter(i -> i.counter().equals(counter) && i.endNanos() > gap.fromNanos() && i.startNanos() < to)
                .map(i -> String.format(Locale.ROOT, "%s +%.2f s %.2f s %s", i.via(), (i.startNanos() - gap.fromNanos()) / 1e9,
                        (i.endNanos() - i.startNanos()) / 1e9, switch (i.outcome()) {
                            case Outcome.Acked a -> "acked by " + a.node();
                            case Outcome.Failed f -> "failed: " + f.reason();
                            case Outcome.Unknown u -> "unknown: " + u.reason();
                        }))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        for (Thread t : threads) {
            if (!t.join(Duration.ofSeconds(30))) {
                throw new AssertionError(t.getName() + " did not end within 30 s of closing");
            }
        }
    }
}
