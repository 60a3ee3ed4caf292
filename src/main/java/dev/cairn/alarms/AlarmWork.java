package dev.cairn.alarms;

import java.util.Optional;
import java.util.OptionalLong;

/** What the scheduler asks of an object, as one of its events (run by {@link AlarmScheduler#handle}). Immutable. */
public sealed interface AlarmWork {
    /**
     * Run the handler if the object's own alarm is due ({@code force}: whatever its time).
     * {@code indexed}, {@code attemptsBefore} and {@code dueMs} are what the index held before this attempt.
     */
    record Run(OptionalLong indexed, int attemptsBefore, long dueMs, boolean force) implements AlarmWork {}

    /** Delete the object's alarm if it is still the one set for {@code scheduledMs} (it failed too often). */
    record Drop(long scheduledMs) implements AlarmWork {}

    /** Read the object's alarm, so the index can agree with it; answered with {@link Checked}. */
    record Check() implements AlarmWork {}

    /** The object's alarm, if set, and the name it was set under, if known. */
    record Checked(OptionalLong scheduledMs, Optional<String> objectName) {}
}
