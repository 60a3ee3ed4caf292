package dev.cairn.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks a {@link History} of counters against what a linearizable, durable counter allows, counter
 * by counter (pure: the history in, a {@link Report} out):
 * <ul>
 * <li><b>duplicate</b>: two acknowledged increments with the same value. Each increment adds one, so
 * a repeat means two instances of the counter committed from the same state.</li>
 * <li><b>lost</b>: the final value (read after the faults) is below the number of acknowledged
 * increments, or below an acknowledged value: an acknowledged write is gone.</li>
 * <li><b>phantom</b>: the final value is above acknowledged plus unknown increments: an increment
 * reported as not applied was applied.</li>
 * <li><b>stale</b>: a read returned less than the highest value acknowledged before the read was sent
 * (or than the number of increments acknowledged by then), or an increment sent after another was
 * acknowledged returned a value not above it: the answer came from a state older than what was
 * already acknowledged.</li>
 * </ul>
 * Operations that overlap in time may take effect in either order, so only an acknowledgement that
 * ended before the other operation started constrains it.
 */
final class Checker {
    /** Examples kept per kind of violation. */
    private static final int EXAMPLES = 5;

    /** What the check found. {@code examples} name counter, values, nodes and times (seconds from the first operation). */
    record Report(int counters, long acked, long failed, long unknown, long reads, long lost, long duplicates,
                  long staleReads, long staleIncrements, long phantom, long missingFinals, List<String> examples) {
        long stale() {
            return staleReads + staleIncrements;
        }

        boolean clean() {
            return lost == 0 && duplicates == 0 && stale() == 0 && phantom == 0 && missingFinals == 0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d counters: %d acknowledged, %d failed, %d unknown increments, %d reads; "
                            + "lost %d, duplicates %d, stale %d (%d reads, %d increments), phantom %d, without a final value %d%s",
                    counters, acked, failed, unknown, reads, lost, duplicates, stale(), staleReads, staleIncrements, phantom,
                    missingFinals, examples.isEmpty() ? "" : examples.stream().collect(Collectors.joining("\n  ", "\n  ", "")));
        }
    }

    private Checker() {}

    static Report check(History history) {
        List<History.Increment> increments = history.increments();
        List<History.Read> reads = history.reads();
        Map<String, History.Final> finals = history.finals();
        long origin = Math.min(increments.stream().mapToLong(History.Increment::startNanos).min().orElse(Long.MAX_VALUE),
                reads.stream().mapToLong(History.Read::startNanos).min().orElse(Long.MAX_VALUE));
        Map<String, List<History.Increment>> incrementsOf = new TreeMap<>(increments.stream()
                .collect(Collectors.groupingBy(History.Increment::counter)));
        Map<String, List<History.Read>> readsOf = reads.stream().collect(Collectors.groupingBy(History.Read::counter));
        TreeSet<String> counters = new TreeSet<>(incrementsOf.keySet());
        counters.addAll(readsOf.keySet());
        counters.addAll(finals.keySet());

        var tally = new Tally(origin == Long.MAX_VALUE ? 0 : origin);
        for (String counter : counters) {
            tally.counter(counter, incrementsOf.getOrDefault(counter, List.of()), readsOf.getOrDefault(counter, List.of()),
                    finals.get(counter));
        }
        return tally.report(counters.size(), reads.size());
    }

    /** The counts and examples gathered over the counters of one check. Used by one thread. */
    private static final class Tally {
        private final long origin;
        private long acked;
        private long failed;
        private long unknown;
        private long lost;
        private long duplicates;
        private long staleReads;
        private long staleIncrements;
        private long phantom;
        private long missingFinals;
        private final Map<String, List<String>> examples = new TreeMap<>();

        Tally(long origin) {
            this.origin = origin;
        }

        void counter(String counter, List<History.Increment> increments, List<History.Read> reads, History.Final last) {
            List<Ack> acks = new ArrayList<>();
            long unknownHere = 0;
            for (History.Increment i : increments) {
                switch (i.outcome()) {
                    case Outcome.Acked a -> acks.add(new Ack(a.value(), a.node(), i.startNanos(), i.endNanos()));
                    case Outcome.Failed f -> failed++;
                    case Outcome.Unknown u -> unknownHere++;
                }
            }
            acked += acks.size();
            unknown += unknownHere;
            duplicates(counter, acks);
            stale(counter, acks, reads);
            if (last == null) {
                missingFinals++;
                example("missing", "counter " + counter + ": no final value was read");
                return;
            }
            List<Ack> above = acks.stream().filter(a -> a.value > last.value()).sorted(Comparator.comparingLong(Ack::value)).toList();
            long lostHere = Math.max(acks.size() - last.value(), above.stream().mapToLong(Ack::value).distinct().count());
            if (lostHere > 0) {
                lost += lostHere;
                example("lost", "counter " + counter + ": final value " + last.value() + " (read on " + last.servedBy() + ") but "
                        + acks.size() + " increments acknowledged" + (above.isEmpty() ? "" : ", acknowledged above it: "
                        + above.stream().limit(5).map(this::describe).collect(Collectors.joining(", "))));
            }
            long allowed = acks.size() + unknownHere;
            if (last.value() > allowed) {
                phantom += last.value() - allowed;
                example("phantom", "counter " + counter + ": final value " + last.value() + " (read on " + last.servedBy() + ") but only "
                        + acks.size() + " acknowledged and " + unknownHere + " unknown increments: a failed increment was applied");
            }
        }

        private void duplicates(String counter, List<Ack> acks) {
            Map<Long, List<Ack>> byValue = acks.stream().collect(Collectors.groupingBy(Ack::value, TreeMap::new, Collectors.toList()));
            for (var same : byValue.entrySet()) {
                if (same.getValue().size() > 1) {
                    duplicates += same.getValue().size() - 1;
                    example("duplicate", "counter " + counter + ": value " + same.getKey() + " acknowledged " + same.getValue().size()
                            + " times: " + same.getValue().stream().map(this::describe).collect(Collectors.joining(", ")));
                }
            }
        }

        /** Reads and increments that saw less than an acknowledgement that ended before they were sent. */
        private void stale(String counter, List<Ack> acks, List<History.Read> reads) {
            List<Ack> byEnd = acks.stream().sorted(Comparator.comparingLong(Ack::endNanos)).toList();
            // highest[i]: the acknowledgement with the highest value among the first i + 1 to end.
            Ack[] highest = new Ack[byEnd.size()];
            for (int i = 0; i < byEnd.size(); i++) {
                highest[i] = i == 0 || byEnd.get(i).value > highest[i - 1].value ? byEnd.get(i) : highest[i - 1];
            }
            for (History.Read read : reads) {
                Ack before = highestEndedBefore(byEnd, highest, read.startNanos());
                if (before != null && read.value() < before.value) {
                    staleReads++;
                    example("stale", "counter " + counter + ": read " + read.value() + " via " + read.via() + " (served by " + read.servedBy()
                            + ") at " + seconds(read.startNanos()) + " but " + describe(before) + " was acknowledged before it was sent");
                } else if (read.value() < read.ackedBefore()) {
                    staleReads++;
                    example("stale", "counter " + counter + ": read " + read.value() + " via " + read.via() + " (served by " + read.servedBy()
                            + ") at " + seconds(read.startNanos()) + " but " + read.ackedBefore() + " increments were acknowledged before it was sent");
                }
            }
            for (Ack ack : acks) {
                Ack before = highestEndedBefore(byEnd, highest, ack.startNanos);
                if (before != null && ack.value <= before.value) {
                    staleIncrements++;
                    example("stale", "counter " + counter + ": increment acknowledged " + describe(ack) + ", sent at "
                            + seconds(ack.startNanos) + " after " + describe(before) + " was acknowledged");
                }
            }
        }

        /** The highest acknowledgement among those that ended strictly before {@code nanos}, or null. */
        private static Ack highestEndedBefore(List<Ack> byEnd, Ack[] highest, long nanos) {
            int low = 0;
            int high = byEnd.size(); // the first index whose end is not before nanos
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (byEnd.get(middle).endNanos < nanos) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return low == 0 ? null : highest[low - 1];
        }

        private String describe(Ack ack) {
            return ack.value + " (by " + ack.node + " at " + seconds(ack.endNanos) + ")";
        }

        private String seconds(long nanos) {
            return String.format(Locale.ROOT, "+%.3f s", (nanos - origin) / 1e9);
        }

        private void example(String kind, String text) {
            List<String> kept = examples.computeIfAbsent(kind, k -> new ArrayList<>());
            if (kept.size() < EXAMPLES) {
                kept.add(kind + ": " + text);
            }
        }

        Report report(int counters, long reads) {
            return new Report(counters, acked, failed, unknown, reads, lost, duplicates, staleReads, staleIncrements, phantom,
                    missingFinals, examples.values().stream().flatMap(List::stream).toList());
        }
    }

    private record Ack(long value, String node, long startNanos, long endNanos) {}
}
