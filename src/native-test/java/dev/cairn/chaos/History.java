package dev.cairn.chaos;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Everything the clients of one chaos run did to the counters, with when (nanoseconds of one clock):
 * each increment with its {@link Outcome}, each successful read, and the final value of every counter
 * read once the faults were over. Thread-safe: the workload's clients, the recovery probes and the
 * final reads record into it concurrently; {@link Checker} reads it once they are done.
 */
final class History {
    /** One increment of {@code counter} sent to node {@code via}, from {@code startNanos} until its outcome at {@code endNanos}. */
    record Increment(String counter, String via, long startNanos, long endNanos, Outcome outcome) {}

    /**
     * One read of {@code counter} sent to {@code via} and answered by {@code servedBy} with {@code value};
     * {@code ackedBefore} increments of the counter had been acknowledged when it was sent.
     */
    record Read(String counter, String via, String servedBy, long value, long startNanos, long endNanos, long ackedBefore) {}

    /** The value of {@code counter} read after the faults, every node running and reachable. */
    record Final(String counter, long value, String servedBy) {}

    private final LongSupplier clock;
    private final ConcurrentLinkedQueue<Increment> increments = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
    private final Map<String, Final> finals = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> acked = new ConcurrentHashMap<>();

    /** {@code clock}: monotonic nanoseconds, the one clock every timestamp in this history comes from. */
    History(LongSupplier clock) {
        this.clock = clock;
    }

    long now() {
        return clock.getAsLong();
    }

    void increment(String counter, String via, long startNanos, long endNanos, Outcome outcome) {
        increments.add(new Increment(counter, via, startNanos, endNanos, outcome));
        if (outcome instanceof Outcome.Acked) {
            acked.computeIfAbsent(counter, c -> new AtomicLong()).incrementAndGet();
        }
    }

    /** Sends an increment of {@code counter} through {@code via}, records it with the times it was sent and answered, and returns its outcome. */
    Outcome sendIncrement(CounterClient client, String counter, String via) throws InterruptedException {
        long start = now();
        Outcome outcome = client.increment(via, counter);
        increment(counter, via, start, now(), outcome);
        return outcome;
    }

    /** Increments of {@code counter} acknowledged so far: taken when a read is sent. */
    long ackedSoFar(String counter) {
        AtomicLong count = acked.get(counter);
        return count == null ? 0 : count.get();
    }

    void read(String counter, String via, String servedBy, long value, long startNanos, long endNanos, long ackedBefore) {
        reads.add(new Read(counter, via, servedBy, value, startNanos, endNanos, ackedBefore));
    }

    void finalValue(String counter, long value, String servedBy) {
        finals.put(counter, new Final(counter, value, servedBy));
    }

    List<Increment> increments() {
        return List.copyOf(increments);
    }

    List<Read> reads() {
        return List.copyOf(reads);
    }

    Map<String, Final> finals() {
        return Map.copyOf(finals);
    }
}
