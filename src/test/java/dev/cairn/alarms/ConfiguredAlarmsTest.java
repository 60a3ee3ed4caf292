package dev.cairn.alarms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.ManualClock;
import dev.cairn.api.Alarms;
import dev.cairn.api.Namespaces;
import dev.cairn.api.PendingAlarm;
import dev.cairn.api.Stub;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The service with non-default {@code cairn.alarms.*} settings, in real time, nothing fired by hand:
 * a failing handler is retried after 1 s, then 2 s, then dropped (2 retries, no jitter); an alarm set
 * beyond the timer's window (twice the 0.2 s scan interval) is found by the scheduled index scan and
 * fires at its time.
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

    @Inject
    ManualClock clock;

    @Inject
    Namespaces namespaces;

    @Inject
    Alarms alarms;

    private Stub<Alarmed> object(String name) {
        return namespaces.of(Alarmed.class).getByName(name);
    }

    private List<PendingAlarm> pendingOf(String name) {
        return alarms.pending(Optional.of("alarmed"), 10_000).stream().filter(p -> p.id().name().equals(Optional.of(name))).toList();
    }

    @Test
    void theSettingsReachTheEngine() {
        assertEquals(new AlarmSettings(Duration.ofSeconds(1), 2, 0, Duration.ofMillis(200), true), TestAccess.engine().settings().alarms());
    }

    @Test
    void aFailingHandlerIsRetriedAfterTheConfiguredDelaysThenDropped() throws Exception {
        String name = "failing-" + UUID.randomUUID();
        var startedAt = new CopyOnWriteArrayList<Long>();
        var thirdAttempt = new CompletableFuture<Void>();
        Alarmed.BEHAVIOUR.put(name, (self, info) -> {
            startedAt.add(clock.millis());
            if (info.retryCount() == 2) {
                thirdAttempt.complete(null);
            }
            throw new IllegalStateException("always");
        });
        object(name).call(a -> { a.ctx.storage().setAlarm(clock.instant()); return null; });
        thirdAttempt.get(30, TimeUnit.SECONDS);
        TestAccess.fireDueAlarms(); // waits until the third attempt's outcome is recorded

        assertEquals(3, startedAt.size(), "the first attempt and 2 retries");
        long firstDelay = startedAt.get(1) - startedAt.get(0);
        long secondDelay = startedAt.get(2) - startedAt.get(1);
        // Each delay counts from the failure, a little after the attempt started; the defaults would
        // wait 2-2.5 s, then 4-5 s.
        assertTrue(firstDelay >= 1_000 && firstDelay < 2_000, "first retry after " + firstDelay + " ms");
        assertTrue(secondDelay >= 2_000 && secondDelay < 4_000, "second retry after " + secondDelay + " ms");
        assertEquals(List.of(), pendingOf(name), "dropped after the second retry");
        assertEquals(Optional.empty(), object(name).call(a -> a.ctx.storage().getAlarm()));
    }

    @Test
    void anAlarmBeyondTheTimersWindowIsFoundByTheScheduledScanAndFires() throws Exception {
        String name = "far-" + UUID.randomUUID();
        var lateBy = new CompletableFuture<Long>();
        Alarmed.BEHAVIOUR.put(name, (self, info) -> lateBy.complete(clock.millis() - info.scheduledTime().toEpochMilli()));
        // 2 s ahead: five times the window the timer is given alarms for when they are set (2 × 0.2 s).
        Instant at = clock.instant().plusSeconds(2);
        object(name).call(a -> { a.ctx.storage().setAlarm(at); return null; });
        long lag = lateBy.get(30, TimeUnit.SECONDS);
        assertTrue(lag >= 0 && lag < 1_000, "fired " + lag + " ms after its time");
        TestAccess.fireDueAlarms();
        assertEquals(List.of(), pendingOf(name));
    }
}
