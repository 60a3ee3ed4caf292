package dev.cairn.alarms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.AlarmInfo;
import dev.cairn.api.PendingAlarm;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful shutdown while alarms are firing: the handlers already running finish and their outcome
 * is recorded; the alarm events not sent yet are not sent, and stay pending for the next start as the
 * attempt they were (not a failure, not a retry). Nothing is logged as an error.
 */
class AlarmShutdownTest {
    /** More alarms due at once than may run at once: the rest wait for a free slot when the shutdown begins. */
    static final int ALARMS = AlarmScheduler.MAX_RUNNING + 20;

    @TempDir
    Path dir;
    final AlarmTest.StoppedClock clock = new AlarmTest.StoppedClock();
    Engine engine;

    @BeforeEach
    void start() {
        Alarmed.ATTEMPTS.clear();
        Alarmed.BEHAVIOUR.clear();
        engine = EngineHarness.engine(EngineHarness.settings(dir), clock, AlarmTest.HALF);
    }

    @AfterEach
    void stop() {
        engine.shutdown();
    }

    @Test
    void alarmsRefusedByAShutdownStayPendingUncountedAndRunAfterTheRestart() throws Exception {
        var running = new CountDownLatch(AlarmScheduler.MAX_RUNNING);
        var release = new CountDownLatch(1);
        Instant at = Instant.ofEpochMilli(clock.millis());
        CompletableFuture.allOf(IntStream.range(0, ALARMS).mapToObj(i -> {
            Alarmed.BEHAVIOUR.put("a" + i, (self, info) -> {
                running.countDown();
                release.await();
            });
            return engine.of(Alarmed.class).getByName("a" + i)
                    .send(a -> { a.ctx.storage().setAlarm(at); return null; }).toCompletableFuture();
        }).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        try (var log = new LogCapture("dev.cairn")) {
            engine.alarms().fireDue();
            assertTrue(running.await(60, TimeUnit.SECONDS), "every slot for alarm events is taken by a running handler");
            var draining = engine.beginShutdown();
            release.countDown();
            engine.awaitDrained(draining);
            assertEquals(List.of(), log.messages(Level.SEVERE), "nothing logged as an error");
        }
        assertEquals(AlarmScheduler.MAX_RUNNING, Alarmed.ATTEMPTS.size(), "the handlers that were running finished");
        assertEquals(AlarmScheduler.MAX_RUNNING, engine.metrics().alarms("succeeded"));
        assertEquals(0, engine.metrics().alarms("retried"), "a refused event is not a failed attempt");

        engine = EngineHarness.engine(EngineHarness.settings(dir), clock, AlarmTest.HALF);
        List<PendingAlarm> pending = engine.alarms().pending(Optional.empty(), ALARMS);
        assertEquals(ALARMS - AlarmScheduler.MAX_RUNNING, pending.size(), "the refused ones are still pending");
        assertTrue(pending.stream().allMatch(p -> p.retryCount() == 0 && p.lastError().isEmpty()), pending.toString());
        engine.alarms().fireDue().get(60, TimeUnit.SECONDS);
        assertEquals(List.of(), engine.alarms().pending(Optional.empty(), ALARMS));
        for (int i = 0; i < ALARMS; i++) {
            assertEquals(List.of(new AlarmInfo(at, 0)), Alarmed.ATTEMPTS.get("a" + i), "a" + i + " ran once, as a first attempt");
        }
    }
}
