package dev.cairn.testing;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that stands still until the test moves it: idle timeouts, queue deadlines and alarm times
 * pass exactly when the test says so. Thread-safe. In a {@code @QuarkusTest} it replaces the
 * service's clock (a bean of the test application); {@link CairnTestKit} makes its own.
 */
@Singleton
public final class FakeClock implements InstantSource {
    private final AtomicLong millis;

    /** Stands at the time it was made (so times an object computes from it look current). */
    public FakeClock() {
        this(Instant.now());
    }

    public FakeClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    /** Moves the clock forward by {@code d}. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("the clock moves forward only, got " + d);
        }
        millis.addAndGet(d.toMillis());
    }

    /** Moves the clock forward to {@code t} (no move when it is already there or past). */
    public void advanceTo(Instant t) {
        millis.accumulateAndGet(t.toEpochMilli(), Math::max);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
