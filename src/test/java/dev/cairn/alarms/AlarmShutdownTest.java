package dev.cairn.alarms;

import static dev.cairn.alarms.AlarmTest.HALF;
import static dev.cairn.alarms.AlarmTest.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Alarmed;
import dev.cairn.LogCapture;
import dev.cairn.api.AlarmInfo;
import dev.cairn.api.PendingAlarm;
import dev.cairn.testing.CairnTestKit;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A graceful shutdown while alarms are firing: the handlers already running finish and their outcome
 * is recorded; the alarm events not sent yet are not sent, and stay pending for the next start as the
 * attempt they were (not a failure, not a retry). Nothing is logged as an error.
 */
class AlarmShutdownTest {
    /** More alarms due at once than may run at once: the rest wait for a free slot when the shutdown begins. */
    static final int ALARMS = AlarmScheduler.MAX_RUNNING + 20;

    final AlarmCounts counts = new AlarmCounts();
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder()
            .namespace("alarmed", Alarmed.class)
            .clockAt(START)
            .random(HALF)
            .meters(names -> counts)
            .freshPerTest()
            .build();

    @BeforeEach
    void forgetAttempts() {
        Alarmed.ATTEMPTS.clear();
        Alarmed.BEHAVIOUR.clear();
    }

    @Test
    void alarmsRefusedByAShutdownStayPendingUncountedAndRunAfterTheRestart() throws Exception {
        var running = new CountDownLatch(AlarmScheduler.MAX_RUNNING);
        var release = new CountDownLatch(1);
        Instant at = cairn.clock().instant();
        CompletableFuture.allOf(IntStream.range(0, ALARMS).mapToObj(i -> {
            Alarmed.BEHAVIOUR.put("a" + i, (self, info) -> {
                running.countDown();
                release.await();
            });
            return cairn.get(Alarmed.class, "a" + i)
                    .send(a -> { a.ctx.storage().setAlarm(at); return null; }).toCompletableFuture();
        }).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        try (var log = new LogCapture("dev.cairn")) {
            cairn.node().alarms().fireDue();
            assertTrue(running.await(60, TimeUnit.SECONDS), "every slot for alarm events is taken by a running handler");
            cairn.node().beginShutdown();
            release.countDown();
            cairn.stop(); // waits for the objects to drain
            assertEquals(List.of(), log.messages(Level.SEVERE), "nothing logged as an error");
        }
        assertEquals(AlarmScheduler.MAX_RUNNING, Alarmed.ATTEMPTS.size(), "the handlers that were running finished");
        assertEquals(AlarmScheduler.MAX_RUNNING, counts.outcomes("succeeded"));
        assertEquals(0, counts.outcomes("retried"), "a refused event is not a failed attempt");

        cairn.restart();
        List<PendingAlarm> pending = cairn.node().alarms().pending(Optional.empty(), ALARMS);
        assertEquals(ALARMS - AlarmScheduler.MAX_RUNNING, pending.size(), "the refused ones are still pending");
        assertTrue(pending.stream().allMatch(p -> p.retryCount() == 0 && p.lastError().isEmpty()), pending.toString());
        cairn.fireDueAlarms();
        assertEquals(List.of(), cairn.node().alarms().pending(Optional.empty(), ALARMS));
        for (int i = 0; i < ALARMS; i++) {
            assertEquals(List.of(new AlarmInfo(at, 0)), Alarmed.ATTEMPTS.get("a" + i), "a" + i + " ran once, as a first attempt");
        }
    }
}
