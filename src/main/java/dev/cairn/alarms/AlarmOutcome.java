package dev.cairn.alarms;

/** What an alarm event found in its object. */
sealed interface AlarmOutcome {
    /** The handler ran for the alarm set for {@code scheduledMs}. */
    record Ran(long scheduledMs) implements AlarmOutcome {}

    /** The object has no alarm (the index was behind). */
    record NoAlarm() implements AlarmOutcome {}

    /** The object's alarm is not due yet (the index was behind). */
    record NotDue(long scheduledMs) implements AlarmOutcome {}
}
