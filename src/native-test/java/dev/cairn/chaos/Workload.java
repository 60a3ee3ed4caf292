package dev.cairn.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Concurrent clients, each on a virtual thread, sending increments and reads of random counters to
 * random nodes among those {@link Reachability} offers, recording every increment and every read in
 * the {@link History}, until {@link #close}. Each client starts an operation every {@code interval} on
 * average (uniformly between none and twice that, counted from the previous operation's start), or at
 * once when the previous one took longer; with a zero interval, back to back. An increment is sent once (its outcome may be unknown: a
 * retry could apply it twice); a read that fails is sent again, to another random node, a few times.
 * Every request has the client's timeout, so {@link #close} ends within a bound. Owned by the thread
 * that starts and closes it; its clients run on their own threads.
 */
final class Workload implements AutoCloseable {
    /** Attempts of one read before the client gives it up. */
    private static final int READ_ATTEMPTS = 3;
    /** Pause between two attempts of a read, so that a node refusing at once is not hammered. */
    private static final Duration READ_RETRY_PAUSE = Duration.ofMillis(20);

    private final CounterClient client;
    private final History history;
    private final Reachability reachability;
    private final List<String> counters;
    private final int readPercent;
    private final Duration closeLimit;
    private final Duration interval;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    private Workload(CounterClient client, History history, Reachability reachability, List<String> counters, int readPercent,
                     Duration interval, Duration closeLimit) {
        this.client = client;
        this.history = history;
        this.reachability = reachability;
        this.counters = List.copyOf(counters);
        this.readPercent = readPercent;
        this.interval = interval;
        this.closeLimit = closeLimit;
    }

    /**
     * Starts {@code clients} clients over {@code counters}, each starting an operation every
     * {@code interval} on average (zero: back to back); of their operations {@code readPercent} in a
     * hundred are reads. {@code seed} makes their choices; {@code closeLimit} bounds {@link #close}
     * (longer than the client's request timeout times the read attempts).
     */
    static Workload start(CounterClient client, History history, Reachability reachability, List<String> counters, int clients,
                          Duration interval, int readPercent, long seed, Duration closeLimit) {
        var workload = new Workload(client, history, reachability, counters, readPercent, interval, closeLimit);
        var seeds = new SplittableRandom(seed);
        for (int i = 0; i < clients; i++) {
            SplittableRandom random = seeds.split();
            workload.threads.add(Thread.ofVirtual().name("chaos-client-" + i).start(() -> workload.run(random)));
        }
        return workload;
    }

    private void run(SplittableRandom random) {
        try {
            // Spread the clients' first operations over one interval, not all at once.
            Thread.sleep(Duration.ofNanos(interval.isZero() ? 0 : random.nextLong(interval.toNanos())));
            while (running.get()) {
                long started = System.nanoTime();
                String counter = counters.get(random.nextInt(counters.size()));
                if (random.nextInt(100) < readPercent) {
                    read(counter, random);
                } else {
                    increment(counter, random);
                }
                long pause = (interval.isZero() ? 0 : random.nextLong(2 * interval.toNanos())) - (System.nanoTime() - started);
                if (pause > 0 && running.get()) {
                    Thread.sleep(Duration.ofNanos(pause));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void increment(String counter, SplittableRandom random) throws InterruptedException {
        String node = reachability.pick(random);
        history.sendIncrement(client, counter, node);
    }

    private void read(String counter, SplittableRandom random) throws InterruptedException {
        for (int attempt = 0; attempt < READ_ATTEMPTS && running.get(); attempt++) {
            String node = reachability.pick(random);
            long ackedBefore = history.ackedSoFar(counter);
            long start = history.now();
            if (client.read(node, counter) instanceof CounterClient.Reading.Value value) {
                history.read(counter, node, value.servedBy(), value.value(), start, history.now(), ackedBefore);
                return;
            }
            Thread.sleep(READ_RETRY_PAUSE);
        }
    }

    /** Stops the clients and waits until each has finished its request; fails if one has not within the limit. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        long deadline = System.nanoTime() + closeLimit.toNanos();
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                throw new AssertionError(thread.getName() + " did not end within " + closeLimit + " of being told to stop");
            }
        }
    }
}
