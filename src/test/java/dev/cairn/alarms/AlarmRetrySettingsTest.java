package dev.cairn.alarms;

import static dev.cairn.alarms.AlarmTest.HALF;
import static dev.cairn.alarms.AlarmTest.START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Alarmed;
import dev.cairn.LogCapture;
import dev.cairn.api.AlarmInfo;
import dev.cairn.api.PendingAlarm;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failed alarm handlers are retried as {@code cairn.alarms.*} says, not only with the defaults: the
 * first delay, the number of retries and the jitter all follow the settings. The handler always
 * throws; the test walks the retries on a stopped clock and measures each delay from the moment the
 * attempt failed. Each configuration is a nested class with a node of its own.
 */
class AlarmRetrySettingsTest {
    /** The least {@code nextDouble()} can return: 0. */
    static final RandomGenerator LOWEST = () -> 0L;
    /** The most {@code nextDouble()} can return: the largest double below 1. */
    static final RandomGenerator HIGHEST = () -> -1L;

    @BeforeEach
    void handlerAlwaysFails() {
        Alarmed.ATTEMPTS.clear();
        Alarmed.BEHAVIOUR.clear();
        Alarmed.BEHAVIOUR.put("failing", (self, info) -> { throw new IllegalStateException("always"); });
    }

    /** A node with namespace {@code alarmed}, its clock at {@link AlarmTest#START}, its randomness {@code random}. */
    static CairnTestKit.Builder node(RandomGenerator random) {
        return CairnTestKit.builder().namespace("alarmed", Alarmed.class).clockAt(START).random(random).freshPerTest();
    }

    @Nested
    class InitialDelayOneSecondTwoRetriesNoJitter {
        final AlarmCounts counts = new AlarmCounts();
        @RegisterExtension
        final CairnTestKit cairn = node(HALF)
                .property("cairn.alarms.retry-initial-delay", "1s")
                .property("cairn.alarms.max-retries", "2")
                .property("cairn.alarms.retry-jitter", "0")
                .meters(names -> counts)
                .build();

        @Test
        void theConfiguredInitialDelayAndNumberOfRetriesApplyAndTheLastFailureIsLoggedAsAWarning() {
            List<Long> delays;
            try (var log = new LogCapture(AlarmScheduler.class.getName())) {
                delays = retryDelays(cairn);
                assertEquals(List.of(1_000L, 2_000L), delays, "1 s, then doubled; no jitter although the random source gives 0.5");
                assertEquals(List.of(0, 1, 2), Alarmed.ATTEMPTS.get("failing").stream().map(AlarmInfo::retryCount).toList());
                assertEquals(List.of(), cairn.node().alarms().pending(Optional.empty(), 10), "dropped after the second retry");
                assertEquals(Optional.empty(), failing(cairn).call(a -> a.ctx.storage().getAlarm()));
                assertEquals(List.of("alarm of alarmed/failing (set for 2026-11-22T12:00:00Z) dropped after 3 attempts; last error: always"),
                        log.messages(Level.WARNING));
            }
            assertEquals(2, counts.outcomes("retried"));
            assertEquals(1, counts.outcomes("dropped"));
        }
    }

    /** Initial delay 1 s, 3 retries, up to half of each delay added at random. */
    static CairnTestKit.Builder halfJitter(RandomGenerator random) {
        return node(random)
                .property("cairn.alarms.retry-initial-delay", "1s")
                .property("cairn.alarms.max-retries", "3")
                .property("cairn.alarms.retry-jitter", "0.5");
    }

    @Nested
    class HalfJitterWithRandomnessAtItsLowest {
        @RegisterExtension
        final CairnTestKit cairn = halfJitter(LOWEST).build();

        @Test
        void noJitterIsAdded() {
            assertEquals(List.of(1_000L, 2_000L, 4_000L), retryDelays(cairn));
        }
    }

    @Nested
    class HalfJitterWithRandomnessAtItsHighest {
        @RegisterExtension
        final CairnTestKit cairn = halfJitter(HIGHEST).build();

        @Test
        void theJitterStaysBelowTheConfiguredFraction() {
            List<Long> delays = retryDelays(cairn);
            long[] base = {1_000, 2_000, 4_000};
            for (int i = 0; i < base.length; i++) {
                long extra = delays.get(i) - base[i];
                assertTrue(extra >= 0 && extra < base[i] / 2, "retry " + (i + 1) + ": " + extra + " ms on top of " + base[i]);
            }
            assertEquals(List.of(1_499L, 2_999L, 5_999L), delays, "just under half of each delay added");
        }
    }

    @Nested
    class DefaultsWithRandomnessAtItsHighest {
        @RegisterExtension
        final CairnTestKit cairn = node(HIGHEST).build();

        @Test
        void eachRetryStaysWithinAQuarterOfItsDelay() {
            assertEquals(List.of(2_499L, 4_999L, 9_999L, 19_999L, 39_999L, 79_999L), retryDelays(cairn));
        }
    }

    private static Stub<Alarmed> failing(CairnTestKit cairn) {
        return cairn.get(Alarmed.class, "failing");
    }

    /**
     * Sets an alarm whose handler always fails on the kit's node, and fires it and every retry at its
     * time until it is dropped (after {@code cairn.alarms.max-retries}). Returns the delay before each retry.
     */
    private static List<Long> retryDelays(CairnTestKit cairn) {
        var clock = cairn.clock();
        failing(cairn).call(a -> { a.ctx.storage().setAlarm(clock.instant()); return null; });
        cairn.fireDueAlarms();
        List<Long> delays = new ArrayList<>();
        int maxRetries = cairn.node().settings().alarms().maxRetries();
        for (int retry = 1; retry <= maxRetries; retry++) {
            PendingAlarm p = cairn.node().alarms().pending(Optional.empty(), 10).getFirst();
            long delay = p.nextAttempt().toEpochMilli() - clock.millis();
            delays.add(delay);
            clock.advance(Duration.ofMillis(delay - 1));
            cairn.fireDueAlarms();
            assertEquals(retry, Alarmed.ATTEMPTS.get("failing").size(), "no retry before its time");
            clock.advance(Duration.ofMillis(1));
            cairn.fireDueAlarms();
            assertEquals(retry + 1, Alarmed.ATTEMPTS.get("failing").size());
        }
        assertEquals(List.of(), cairn.node().alarms().pending(Optional.empty(), 10), "dropped after the last retry");
        return delays;
    }
}
