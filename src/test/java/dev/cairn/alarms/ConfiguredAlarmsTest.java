package dev.cairn.alarms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Alarmed;
import dev.cairn.api.PendingAlarm;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import dev.cairn.testing.FakeClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service with non-default {@code cairn.alarms.*} settings, its alarm timer and its scheduled
 * index scan running, nothing fired by hand: the test only moves the service's clock (which stands
 * still otherwise) and waits for the handler. A failing handler is retried after 1 s, then 2 s, then
 * dropped (2 retries, no jitter); an alarm set beyond the timer's window (twice the 0.2 s scan
 * interval) is found by the scheduled index scan and fires at its time.
 */
@QuarkusTest
@TestProfile(ConfiguredAlarmsTest.Profile.class)
class ConfiguredAlarmsTest {
    public static final class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cairn.data-dir", "target/test-data-configured-alarms",
                    "cairn.namespaces.alarmed.class", Alarmed.class.getName(),
                    "cairn.alarms.retry-initial-delay", "1s",
                    "cairn.alarms.max-retries", "2",
                    "cairn.alarms.retry-jitter", "0",
                    "cairn.alarms.scan-interval", "0.2s");
        }
    }

    CairnTestKit cairn;
    FakeClock clock;

    @BeforeEach
    void service() {
        cairn = CairnTestKit.inQuarkus();
        clock = cairn.clock();
    }

    private Stub<Alarmed> object(String name) {
        return cairn.get(Alarmed.class, name);
    }

    private List<PendingAlarm> pendingOf(String name) {
        return cairn.node().alarms().pending(Optional.of("alarmed"), 10_000).stream()
                .filter(p -> p.id().name().equals(Optional.of(name))).toList();
    }

    /**
     * Returns once the alarm attempt under way in the object has its outcome recorded (fires nothing
     * that is not due). A call queued behind the alarm event returns after it, and the event's outcome
     * goes to the index as its reply completes, before the call's; then {@code fireDueAlarms} reads an
     * index that has it, and waits for what the outcome still does (a retry scheduled, a drop).
     */
    private void awaitOutcome(String name) {
        object(name).call(a -> null);
        cairn.fireDueAlarms();
    }

    @Test
    void theSettingsReachTheNode() {
        assertEquals(new AlarmSettings(Duration.ofSeconds(1), 2, 0, Duration.ofMillis(200), true), cairn.node().settings().alarms());
    }

    @Test
    void aFailingHandlerIsRetriedAfterTheConfiguredDelaysThenDropped() throws Exception {
        String name = "failing-" + UUID.randomUUID();
        var startedAt = new CopyOnWriteArrayList<Long>();
        // Completed as the first attempt (retry count 0) and each retry starts.
        List<CompletableFuture<Void>> started = Stream.generate(CompletableFuture<Void>::new).limit(3).toList();
        Alarmed.BEHAVIOUR.put(name, (self, info) -> {
            startedAt.add(clock.millis());
            started.get(info.retryCount()).complete(null);
            throw new IllegalStateException("always");
        });
        object(name).call(a -> { a.ctx.storage().setAlarm(clock.instant()); return null; });
        started.get(0).get(30, TimeUnit.SECONDS); // due at once: the timer fires it
        for (int retry = 1; retry <= 2; retry++) {
            awaitOutcome(name);
            Instant next = pendingOf(name).getFirst().nextAttempt();
            clock.advanceTo(next); // the scheduled scan finds the retry due, the timer fires it
            started.get(retry).get(30, TimeUnit.SECONDS);
        }
        awaitOutcome(name); // the third attempt's: dropped

        assertEquals(3, startedAt.size(), "the first attempt and 2 retries");
        long firstDelay = startedAt.get(1) - startedAt.get(0);
        long secondDelay = startedAt.get(2) - startedAt.get(1);
        // Each delay counts from the failure, at the time the attempt started (the clock stands still
        // meanwhile); the defaults would wait 2-2.5 s, then 4-5 s.
        assertTrue(firstDelay >= 1_000 && firstDelay < 2_000, "first retry after " + firstDelay + " ms");
        assertTrue(secondDelay >= 2_000 && secondDelay < 4_000, "second retry after " + secondDelay + " ms");
        assertEquals(List.of(1_000L, 2_000L), List.of(firstDelay, secondDelay), "exactly the configured delays: no jitter");
        assertEquals(List.of(), pendingOf(name), "dropped after the second retry");
        assertEquals(Optional.empty(), object(name).call(a -> a.ctx.storage().getAlarm()));
    }

    @Test
    void anAlarmBeyondTheTimersWindowIsFoundByTheScheduledScanAndFires() throws Exception {
        String name = "far-" + UUID.randomUUID();
        var lateBy = new CompletableFuture<Long>();
        Alarmed.BEHAVIOUR.put(name, (self, info) -> lateBy.complete(clock.millis() - info.scheduledTime().toEpochMilli()));
        // 2 s ahead: five times the window the timer is given alarms for when they are set (2 × 0.2 s),
        // so only a scan of the index can hand it to the timer.
        Instant at = clock.instant().plusSeconds(2);
        object(name).call(a -> { a.ctx.storage().setAlarm(at); return null; });
        clock.advanceTo(at);
        long lag = lateBy.get(30, TimeUnit.SECONDS);
        assertTrue(lag >= 0 && lag < 1_000, "fired " + lag + " ms after its time");
        awaitOutcome(name);
        assertEquals(List.of(), pendingOf(name));
    }
}
