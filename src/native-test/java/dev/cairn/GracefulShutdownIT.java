package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service stopped with SIGTERM under concurrent write load, then restarted on the same
 * data directory. The clients keep sending through the shutdown. Then:
 * <ul>
 * <li>the service exits by itself within {@link #EXIT_WITHIN}, with 143 (128 + SIGTERM: how the JVM
 * ends after an orderly shutdown started by the signal; a crash would give 1, a kill 137), and its log
 * says every database was closed;</li>
 * <li>no request hung or got anything but a 200 or an explicit {@code 503} (retryable); a connection
 * refused or closed without an answer happens only once the signal was sent;</li>
 * <li>every call the service ran was answered, and every acknowledged increment is stored: after the
 * restart each counter holds exactly its acknowledged increments. (A request cut off at the connection
 * level was never read by the service; none of them was applied.)</li>
 * </ul>
 * Which requests were "sent before the signal" is not asserted on: a client thread can decide to send
 * before the signal and reach the socket after the service stopped listening (HTTP/1.1's keep-alive
 * race, and the test JVM shares the machine's two cores with the service). What the service controls
 * is checked through the data: nothing it applied went unanswered, nothing it answered is lost.
 */
class GracefulShutdownIT {
    private static final int COUNTERS = 20;
    private static final int CLIENTS = 32;
    /** SIGTERM goes out with the acknowledgement that makes this count (a count, not a time). */
    private static final int ACKNOWLEDGED_BEFORE_TERM = 1_500;
    /** The service must be gone this long after SIGTERM (its own limits are 20 s + 20 s; under this load it needs far less). */
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(30);
    /** No request may take longer than this, shutdown or not. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HUNG = Duration.ofSeconds(10);
    private static final Pattern VALUE = Pattern.compile("\\{\"value\":(-?\\d+)}");

    @TempDir
    Path data;

    /** What became of one request. */
    enum Outcome {
        /** 200: the increment is acknowledged. */
        ACKNOWLEDGED,
        /** 503 with the contract's error body: refused explicitly, nothing was written. */
        REFUSED,
        /** The service no longer listened: the request never reached it. */
        CONNECTION_REFUSED,
        /**
         * The connection was closed without an answer (the service stopped while the request waited to
         * be read): as far as a client knows, the increment may or may not have been applied.
         */
        CUT,
        /** No answer within {@link #REQUEST_TIMEOUT}. */
        HUNG,
        /** Any other status or body. */
        UNEXPECTED
    }

    @Test
    void sigtermUnderWriteLoadAnswersEveryCallItRanLosesNoAcknowledgedWriteAndExitsInTime() throws Exception {
        Load load;
        try (var cairn = CairnProcess.start(data).awaitListening()) {
            load = Load.untilTerminated(cairn);
            System.out.println("GracefulShutdownIT: " + load.summary() + "\n" + cairn.output().lines()
                    .filter(l -> l.contains("shutdown") || l.contains("Shutdown") || l.contains("HTTP requests"))
                    .collect(Collectors.joining("\n")));
            assertEquals(OptionalInt.of(143), load.exitCode,
                    "exited by itself within " + EXIT_WITHIN + " with 128 + SIGTERM; " + load.summary() + "\n" + cairn.output());
            String log = cairn.output();
            assertTrue(log.contains("shutdown: ") && log.contains("queued calls refused; all databases closed"),
                    "the log says every database was closed; " + load.summary() + "\n" + log);
            assertFalse(log.contains("objects still busy"), "nothing was left running at the drain timeout:\n" + log);
        }

        List<String> wrong = new ArrayList<>(load.unexpected);
        wrong.addAll(load.droppedBeforeTerm);
        Map<Outcome, Integer> all = load.counts(load.sentBeforeTerm);
        load.counts(load.sentAfterTerm).forEach((o, n) -> all.merge(o, n, Integer::sum));
        if (all.get(Outcome.HUNG) + all.get(Outcome.UNEXPECTED) > 0) {
            wrong.add("requests that hung or got something unexpected: " + all);
        }
        if (load.slowest.get() >= HUNG.toMillis()) {
            wrong.add("a request took " + load.slowest.get() + " ms");
        }
        assertTrue(wrong.isEmpty(), load.summary() + "\n" + String.join("\n", wrong));
        assertTrue(load.totalAcknowledged() >= ACKNOWLEDGED_BEFORE_TERM && load.inFlightAtTerm > 0,
                "the signal came under load: " + load.summary());

        try (var cairn = CairnProcess.start(data).awaitListening()) {
            List<String> lost = new ArrayList<>();
            List<String> unanswered = new ArrayList<>();
            for (int k = 0; k < COUNTERS; k++) {
                var reply = cairn.send("GET", "/objects/counter/c" + k, null);
                var m = VALUE.matcher(reply.body());
                assertTrue(reply.statusCode() == 200 && m.matches(), "c" + k + " after the restart: " + reply.body());
                long stored = Long.parseLong(m.group(1));
                long acknowledged = load.acknowledged.get(k);
                if (stored < acknowledged || stored < load.highestAcknowledged.get(k)) {
                    lost.add("c%d: stored %d, %d acknowledged (highest acknowledged value %d)"
                            .formatted(k, stored, acknowledged, load.highestAcknowledged.get(k)));
                }
                if (stored > acknowledged) {
                    unanswered.add("c%d: stored %d, but only %d acknowledged (%d of its requests were cut off)"
                            .formatted(k, stored, acknowledged, load.cut.get(k)));
                }
            }
            if (!lost.isEmpty() || !unanswered.isEmpty()) {
                fail(load.summary() + "\nlost acknowledged increments: " + lost
                        + "\nincrements applied whose caller got no answer (or a 503): " + unanswered);
            }
            cairn.stop();
        }
    }

    /**
     * {@link #CLIENTS} clients incrementing random counters, one request at a time each. The client
     * whose reply makes {@link #ACKNOWLEDGED_BEFORE_TERM} acknowledgements sends SIGTERM and the load
     * goes on through the shutdown: each client stops once the service no longer accepts connections.
     */
    private static final class Load {
        final AtomicLongArray acknowledged = new AtomicLongArray(COUNTERS);
        final AtomicLongArray highestAcknowledged = new AtomicLongArray(COUNTERS);
        final AtomicLongArray cut = new AtomicLongArray(COUNTERS);
        final Queue<Outcome> sentBeforeTerm = new ConcurrentLinkedQueue<>();
        final Queue<Outcome> sentAfterTerm = new ConcurrentLinkedQueue<>();
        final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        final Queue<String> droppedBeforeTerm = new ConcurrentLinkedQueue<>();
        final AtomicLong slowest = new AtomicLong();
        private final AtomicLong acknowledgedInTotal = new AtomicLong();
        private final AtomicInteger refusedShuttingDown = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile int inFlightAtTerm;
        private final CompletableFuture<Void> terminated = new CompletableFuture<>();
        private volatile boolean termSent;
        /** {@link System#nanoTime()} just before the signal went out; until then, after any request's end. */
        private volatile long termAt = Long.MAX_VALUE;
        private volatile boolean gone;
        OptionalInt exitCode = OptionalInt.empty();
        long exitMillis = -1;

        static Load untilTerminated(CairnProcess cairn) throws Exception {
            var load = new Load();
            try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                try {
                    for (int c = 0; c < CLIENTS; c++) {
                        clients.submit(() -> load.client(cairn));
                    }
                    load.terminated.get(60, TimeUnit.SECONDS);
                } finally {
                    load.gone = true; // normally already: the clients stop by themselves
                }
            }
            return load;
        }

        private Void client(CairnProcess cairn) throws InterruptedException {
            var random = ThreadLocalRandom.current();
            while (!gone) {
                int k = random.nextInt(COUNTERS);
                boolean afterTerm = termSent;
                long started = System.nanoTime();
                inFlight.incrementAndGet();
                Outcome outcome = send(cairn, k);
                inFlight.decrementAndGet();
                slowest.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), Math::max);
                (afterTerm ? sentAfterTerm : sentBeforeTerm).add(outcome);
                if ((outcome == Outcome.CONNECTION_REFUSED || outcome == Outcome.CUT) && System.nanoTime() < termAt) {
                    droppedBeforeTerm.add("c" + k + ": " + outcome + " before SIGTERM was sent");
                }
                if (outcome == Outcome.CUT) {
                    cut.incrementAndGet(k);
                }
                if (outcome == Outcome.CONNECTION_REFUSED || outcome == Outcome.CUT && afterTerm) {
                    return null; // the service is going: this client is done
                }
            }
            return null;
        }

        private Outcome send(CairnProcess cairn, int k) throws InterruptedException {
            try {
                var reply = cairn.send("POST", "/objects/counter/c" + k + "/increment", null, REQUEST_TIMEOUT);
                var m = VALUE.matcher(reply.body());
                if (reply.statusCode() == 200 && m.matches()) {
                    acknowledged.incrementAndGet(k);
                    highestAcknowledged.accumulateAndGet(k, Long.parseLong(m.group(1)), Math::max);
                    if (acknowledgedInTotal.incrementAndGet() == ACKNOWLEDGED_BEFORE_TERM) {
                        terminate(cairn);
                    }
                    return Outcome.ACKNOWLEDGED;
                }
                if (reply.statusCode() == 503 && reply.body().contains("\"retryable\":true")) {
                    if (reply.body().contains("\"type\":\"https://cairn.dev/problems/shutting-down\"")) {
                        refusedShuttingDown.incrementAndGet();
                    }
                    return Outcome.REFUSED;
                }
                unexpected.add("c" + k + ": " + reply.statusCode() + " " + reply.body());
                return Outcome.UNEXPECTED;
            } catch (ConnectException e) {
                return Outcome.CONNECTION_REFUSED;
            } catch (HttpTimeoutException e) {
                return Outcome.HUNG;
            } catch (IOException e) {
                return Outcome.CUT;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                unexpected.add("c" + k + ": " + e);
                return Outcome.UNEXPECTED;
            }
        }

        /** SIGTERM from the client that got the deciding acknowledgement; another thread watches the exit. */
        private void terminate(CairnProcess cairn) {
            termSent = true;
            inFlightAtTerm = inFlight.get() - 1; // not counting this client's own, answered request
            long sent = System.nanoTime();
            termAt = sent;
            cairn.terminate();
            Thread.ofVirtual().start(() -> {
                try {
                    exitCode = cairn.awaitExit(EXIT_WITHIN);
                    exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
                    terminated.complete(null);
                } catch (Throwable e) {
                    terminated.completeExceptionally(e);
                } finally {
                    gone = true;
                }
            });
        }

        long totalAcknowledged() {
            return acknowledgedInTotal.get();
        }

        Map<Outcome, Integer> counts(Queue<Outcome> outcomes) {
            Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
            for (Outcome o : Outcome.values()) {
                counts.put(o, 0);
            }
            outcomes.forEach(o -> counts.merge(o, 1, Integer::sum));
            return counts;
        }

        String summary() {
            return "%d acknowledged before SIGTERM, %d requests in flight then; exit %s after %d ms; sent before SIGTERM: %s; sent after: %s"
                    .formatted(ACKNOWLEDGED_BEFORE_TERM, inFlightAtTerm, exitCode, exitMillis, counts(sentBeforeTerm), counts(sentAfterTerm))
                    + "; 503 shutting_down: " + refusedShuttingDown.get() + "; slowest request " + slowest.get() + " ms";
        }
    }
}
