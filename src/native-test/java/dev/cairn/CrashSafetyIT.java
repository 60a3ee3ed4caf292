package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service killed with SIGKILL under concurrent write load, then restarted on the same
 * data directory: every increment it acknowledged is there, and nothing it was never asked for.
 */
class CrashSafetyIT {
    private static final int COUNTERS = 50;
    private static final int CLIENTS = 32;
    /** The kill comes with the acknowledgement that makes this count (a count, not a time). */
    private static final int ACKNOWLEDGED_BEFORE_KILL = 2_000;
    private static final Pattern VALUE = Pattern.compile("\\{\"value\":(-?\\d+)}");

    @TempDir
    Path data;

    @Test
    void everyAcknowledgedIncrementSurvivesAKillDashNineUnderLoadTwiceInARow() throws Exception {
        long[] before = new long[COUNTERS]; // a fresh data directory: every counter is 0
        int crashesWithRequestsInFlight = 0;
        CairnProcess cairn = CairnProcess.start(data);
        try {
            cairn.awaitListening();
            for (int crash = 1; crash <= 2; crash++) {
                Load load = Load.untilKilled(cairn);
                assertEquals(137, load.exitCode, "crash " + crash + ": the service died of SIGKILL (128 + 9)");
                assertTrue(load.errors.isEmpty(),
                        "crash " + crash + ": replies other than 200 before the kill: " + load.errors);
                assertTrue(load.totalAcknowledged() >= ACKNOWLEDGED_BEFORE_KILL,
                        "crash " + crash + ": only " + load.totalAcknowledged() + " increments acknowledged");
                if (load.totalAttempted() > load.totalAcknowledged()) {
                    crashesWithRequestsInFlight++;
                }

                cairn = CairnProcess.start(data);
                cairn.awaitListening();
                long[] after = values(cairn);
                assertNothingLostAndNothingInvented(crash, before, load, after);
                before = after;
            }
            // Usually both kills catch requests in flight; rarely one lands between them (timing).
            assertTrue(crashesWithRequestsInFlight >= 1, "no kill interrupted a request in flight: the test proved little");
            assertEquals("{\"value\":" + (before[0] + 1) + "}",
                    cairn.send("POST", "/objects/counter/c0/increment", null).body(), "still counting after two crashes");
            cairn.stop();
        } finally {
            cairn.close();
        }
    }

    /**
     * For every counter: at least every acknowledged increment (and at least the highest value a
     * reply showed), at most every increment attempted, acknowledged or not.
     */
    private static void assertNothingLostAndNothingInvented(int crash, long[] before, Load load, long[] after) {
        List<String> lost = new ArrayList<>();
        List<String> invented = new ArrayList<>();
        for (int k = 0; k < COUNTERS; k++) {
            long acknowledged = load.acknowledged.get(k);
            long highest = load.highestAcknowledged.get(k);
            long attempted = load.attempted.get(k);
            if (after[k] < before[k] + acknowledged || after[k] < highest) {
                lost.add("c%d: stored %d, but %d increments on top of %d were acknowledged (highest acknowledged value %d)"
                        .formatted(k, after[k], acknowledged, before[k], highest));
            }
            if (after[k] > before[k] + attempted) {
                invented.add("c%d: stored %d, but only %d increments on top of %d were attempted (%d acknowledged)"
                        .formatted(k, after[k], attempted, before[k], acknowledged));
            }
        }
        if (!lost.isEmpty() || !invented.isEmpty()) {
            var wrong = new ArrayList<>(lost);
            wrong.addAll(invented);
            fail("crash %d (%s): %d counters lost acknowledged increments, %d hold increments never attempted:%n%s"
                    .formatted(crash, load.summary(before, after), lost.size(), invented.size(), String.join("\n", wrong)));
        }
    }

    private static long[] values(CairnProcess cairn) throws Exception {
        long[] values = new long[COUNTERS];
        for (int k = 0; k < COUNTERS; k++) {
            var reply = cairn.send("GET", "/objects/counter/c" + k, null);
            var m = VALUE.matcher(reply.body());
            assertTrue(reply.statusCode() == 200 && m.matches(),
                    "c" + k + " after the restart: " + reply.statusCode() + " " + reply.body());
            values[k] = Long.parseLong(m.group(1));
        }
        return values;
    }

    /**
     * {@link #CLIENTS} clients incrementing random counters, each one request at a time. The client
     * whose reply makes {@link #ACKNOWLEDGED_BEFORE_KILL} acknowledgements kills the service at once,
     * with the other clients' requests in flight. An increment is acknowledged by a 200 reply only; a
     * request cut off by the kill is merely attempted.
     */
    private static final class Load {
        final AtomicLongArray attempted = new AtomicLongArray(COUNTERS);
        final AtomicLongArray acknowledged = new AtomicLongArray(COUNTERS);
        final AtomicLongArray highestAcknowledged = new AtomicLongArray(COUNTERS);
        final Queue<String> errors = new ConcurrentLinkedQueue<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicLong acknowledgedInTotal = new AtomicLong();
        private final CompletableFuture<Void> killed = new CompletableFuture<>();
        private volatile boolean stopping;
        private int inFlightAtKill;
        private int exitCode;

        static Load untilKilled(CairnProcess cairn) throws Exception {
            var load = new Load();
            try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                try {
                    for (int c = 0; c < CLIENTS; c++) {
                        clients.submit(() -> load.client(cairn));
                    }
                    load.killed.get(20, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail("fewer than " + ACKNOWLEDGED_BEFORE_KILL + " increments acknowledged in 20 s: "
                            + load.totalAcknowledged() + "; " + load.errors);
                } finally {
                    load.stopping = true; // already, unless the count was not reached
                }
            } // waits for the clients: their requests in flight failed with the kill
            return load;
        }

        private Void client(CairnProcess cairn) throws InterruptedException {
            var random = ThreadLocalRandom.current();
            while (!stopping) {
                int k = random.nextInt(COUNTERS);
                attempted.incrementAndGet(k);
                inFlight.incrementAndGet();
                try {
                    var reply = cairn.send("POST", "/objects/counter/c" + k + "/increment", null);
                    var m = VALUE.matcher(reply.body());
                    if (reply.statusCode() == 200 && m.matches()) {
                        acknowledged.incrementAndGet(k);
                        highestAcknowledged.accumulateAndGet(k, Long.parseLong(m.group(1)), Math::max);
                        if (acknowledgedInTotal.incrementAndGet() == ACKNOWLEDGED_BEFORE_KILL) {
                            kill(cairn);
                        }
                    } else {
                        errors.add("c" + k + ": " + reply.statusCode() + " " + reply.body());
                    }
                } catch (IOException cutOffByTheKill) {
                    // Not acknowledged: it may or may not have been committed.
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    errors.add("c" + k + ": " + e);
                } finally {
                    inFlight.decrementAndGet();
                }
            }
            return null;
        }

        /** SIGKILL from the client that got the deciding acknowledgement, without waking another thread. */
        private void kill(CairnProcess cairn) {
            stopping = true; // no new requests
            inFlightAtKill = inFlight.get() - 1; // not counting this client's own, answered request
            try {
                exitCode = cairn.kill();
                killed.complete(null);
            } catch (Throwable e) {
                killed.completeExceptionally(e);
            }
        }

        long totalAcknowledged() {
            return sum(acknowledged);
        }

        long totalAttempted() {
            return sum(attempted);
        }

        String summary(long[] before, long[] after) {
            long stored = 0;
            for (int k = 0; k < COUNTERS; k++) {
                stored += after[k] - before[k];
            }
            return "%d acknowledged, %d attempted (%d in flight at the kill), %d stored"
                    .formatted(totalAcknowledged(), totalAttempted(), inFlightAtKill, stored);
        }

        private static long sum(AtomicLongArray a) {
            long sum = 0;
            for (int i = 0; i < a.length(); i++) {
                sum += a.get(i);
            }
            return sum;
        }
    }
}
