package dev.cairn.alarms;


import java.time.Duration;

/**
 * How alarms are retried and found. Immutable.
 *
 * @param retryInitialDelay delay before the first retry; each further retry waits twice as long
 * @param maxRetries retries after the first attempt; when the last one fails the alarm is dropped
 * @param retryJitter up to this fraction is added at random to each retry delay
 * @param scanInterval how often the index is scanned for alarms due soon (Quarkus Scheduler)
 * @param timer whether a timer thread fires due alarms by itself; off in tests that fire by hand
 */
public record AlarmSettings(Duration retryInitialDelay, int maxRetries, double retryJitter, Duration scanInterval, boolean timer) {
    /** Refuses settings that make no sense, naming the key. */
    public AlarmSettings {
        if (retryInitialDelay.isNegative() || retryInitialDelay.isZero()) {
            throw new IllegalArgumentException("cairn.alarms.retry-initial-delay must be positive, got " + retryInitialDelay);
        }
        if (maxRetries < 0 || maxRetries > 30) {
            throw new IllegalArgumentException("cairn.alarms.max-retries must be between 0 and 30, got " + maxRetries);
        }
        if (!(retryJitter >= 0 && retryJitter <= 1)) {
            throw new IllegalArgumentException("cairn.alarms.retry-jitter must be between 0 and 1, got " + retryJitter);
        }
        if (scanInterval.toMillis() < 10) {
            throw new IllegalArgumentException("cairn.alarms.scan-interval must be at least 10ms, got " + scanInterval);
        }
    }

    /** Alarms due before now plus this are held in memory and fired by the timer at their time. */
    Duration horizon() {
        return scanInterval.multipliedBy(2);
    }

    /** Delay before retry number {@code retry} (1-based), without jitter: initial × 2^(retry − 1). */
    long baseDelayMillis(int retry) {
        return retryInitialDelay.toMillis() << Math.min(retry - 1, 30);
    }
}
