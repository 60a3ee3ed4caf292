package dev.cairn.api;

/**
 * Implemented by object classes that set alarms ({@link Storage#setAlarm}). Cairn calls
 * {@link #alarm} once the alarm's time has come, as one event like a call: never at the same time as
 * another event of the object, its writes committed atomically with the removal of the alarm.
 *
 * <p>If the handler throws, its writes roll back, the instance is reset, and the alarm is retried
 * with exponential backoff (2 s, doubling, at most 6 retries, up to 25 % jitter by default; see
 * {@code cairn.alarms.*}); {@link Storage#getAlarm()} keeps returning the original time meanwhile.
 * Delivery is at least once: a handler interrupted by a crash runs again after the restart with
 * {@link AlarmInfo#isRetry()} set, so make it idempotent.
 */
public interface AlarmHandler {
    void alarm(AlarmInfo info) throws Exception;
}
