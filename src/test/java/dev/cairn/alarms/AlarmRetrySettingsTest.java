package dev.cairn.alarms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.AlarmInfo;
import dev.cairn.api.PendingAlarm;
import dev.cairn.api.Stub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed alarm handlers are retried as {@code cairn.alarms.*} says, not only with the defaults: the
 * first delay, the number of retries and the jitter all follow the settings. The handler always
 * throws; the test walks the retries on a stopped clock and measures each delay from the moment the
 * attempt failed.
 */
class AlarmRetrySettingsTest {
    /** Initial delay 1 s, 2 retries, no jitter. */
    static final AlarmSettings ONE_SECOND_TWO_RETRIES_NO_JITTER =
            new AlarmSettings(Duration.ofSeconds(1), 2, 0, AlarmSettings.DEFAULTS.scanInterval(), false);
    /** The least {@code nextDouble()} can return: 0. */
    static final RandomGenerator LOWEST = () -> 0L;
    /** The most {@code nextDouble()} can return: the largest double below 1. */
    static final RandomGenerator HIGHEST = () -> -1L;

    @TempDir
    Path dir;
    final AlarmTest.StoppedClock clock = new AlarmTest.StoppedClock();
    Engine engine;

    @BeforeEach
    void reset() {
        Alarmed.ATTEMPTS.clear();
        Alarmed.BEHAVIOUR.clear();
        Alarmed.BEHAVIOUR.put("failing", (self, info) -> { throw new IllegalStateException("always"); });
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.shutdown();
        }
    }

    @Test
    void theConfiguredInitialDelayAndNumberOfRetriesApplyAndTheLastFailureIsLoggedAsAWarning() throws Exception {
        List<Long> delays;
        try (var log = new LogCapture(AlarmScheduler.class.getName())) {
            delays = retryDelays(ONE_SECOND_TWO_RETRIES_NO_JITTER, AlarmTest.HALF);
            assertEquals(List.of(1_000L, 2_000L), delays, "1 s, then doubled; no jitter although the random source gives 0.5");
            assertEquals(List.of(0, 1, 2), Alarmed.ATTEMPTS.get("failing").stream().map(AlarmInfo::retryCount).toList());
            assertEquals(List.of(), engine.alarms().pending(Optional.empty(), 10), "dropped after the second retry");
            assertEquals(Optional.empty(), failing().call(a -> a.ctx.storage().getAlarm()));
            assertEquals(List.of("alarm of alarmed/failing (set for 2026-11-22T12:00:00Z) dropped after 3 attempts; last error: always"),
                    log.messages(Level.WARNING));
        }
        assertEquals(2, engine.metrics().alarms("retried"));
        assertEquals(1, engine.metrics().alarms("dropped"));
    }

    @Test
    void withRandomnessAtItsLowestNoJitterIsAdded() throws Exception {
        var settings = new AlarmSettings(Duration.ofSeconds(1), 3, 0.5, AlarmSettings.DEFAULTS.scanInterval(), false);
        assertEquals(List.of(1_000L, 2_000L, 4_000L), retryDelays(settings, LOWEST));
    }

    @Test
    void withRandomnessAtItsHighestTheJitterStaysBelowTheConfiguredFraction() throws Exception {
        var settings = new AlarmSettings(Duration.ofSeconds(1), 3, 0.5, AlarmSettings.DEFAULTS.scanInterval(), false);
        List<Long> delays = retryDelays(settings, HIGHEST);
        long[] base = {1_000, 2_000, 4_000};
        for (int i = 0; i < base.length; i++) {
            long extra = delays.get(i) - base[i];
            assertTrue(extra >= 0 && extra < base[i] / 2, "retry " + (i + 1) + ": " + extra + " ms on top of " + base[i]);
        }
        assertEquals(List.of(1_499L, 2_999L, 5_999L), delays, "just under half of each delay added");
    }

    @Test
    void withTheDefaultJitterAtItsHighestEachRetryStaysWithinAQuarterOfItsDelay() throws Exception {
        List<Long> delays = retryDelays(AlarmSettings.DEFAULTS.withTimer(false), HIGHEST);
        assertEquals(List.of(2_499L, 4_999L, 9_999L, 19_999L, 39_999L, 79_999L), delays);
    }

    private Stub<Alarmed> failing() {
        return engine.of(Alarmed.class).getByName("failing");
    }

    /**
     * Starts an engine with these settings, sets an alarm whose handler always fails, and fires it
     * and every retry at its time until it is dropped. Returns the delay before each retry.
     */
    private List<Long> retryDelays(AlarmSettings alarms, RandomGenerator random) throws Exception {
        engine = EngineHarness.engine(EngineHarness.settings(dir).with(alarms), clock, random);
        failing().call(a -> { a.ctx.storage().setAlarm(Instant.ofEpochMilli(clock.millis())); return null; });
        fireDue();
        List<Long> delays = new ArrayList<>();
        for (int retry = 1; retry <= alarms.maxRetries(); retry++) {
            PendingAlarm p = engine.alarms().pending(Optional.empty(), 10).getFirst();
            long delay = p.nextAttempt().toEpochMilli() - clock.millis();
            delays.add(delay);
            clock.advance(Duration.ofMillis(delay - 1));
            fireDue();
            assertEquals(retry, Alarmed.ATTEMPTS.get("failing").size(), "no retry before its time");
            clock.advance(Duration.ofMillis(1));
            fireDue();
            assertEquals(retry + 1, Alarmed.ATTEMPTS.get("failing").size());
        }
        assertEquals(List.of(), engine.alarms().pending(Optional.empty(), 10), "dropped after the last retry");
        return delays;
    }

    private void fireDue() throws Exception {
        engine.alarms().fireDue().get(10, TimeUnit.SECONDS);
    }
}
