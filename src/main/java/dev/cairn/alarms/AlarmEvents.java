package dev.cairn.alarms;

import dev.cairn.api.AlarmHandler;
import dev.cairn.api.AlarmInfo;
import dev.cairn.storage.AlarmTable;
import java.time.Instant;
import java.time.InstantSource;
import java.util.OptionalLong;

/**
 * The object-side half of an alarm attempt: runs {@link AlarmWork} as one event of the object, with
 * its instance and its alarm table, so the object's own record decides whether anything runs.
 * Stateless; runs on the object's thread.
 */
final class AlarmEvents {
    private final InstantSource clock;
    private final AlarmMeters meters;

    AlarmEvents(InstantSource clock, AlarmMeters meters) {
        this.clock = clock;
        this.meters = meters;
    }

    Object handle(AlarmWork work, Object instance, AlarmTable alarm) throws Exception {
        return switch (work) {
            case AlarmWork.Run run -> runHandler(instance, alarm, run);
            case AlarmWork.Drop drop -> {
                if (alarm.get().equals(OptionalLong.of(drop.scheduledMs()))) {
                    alarm.delete();
                }
                yield null;
            }
            case AlarmWork.Check check -> new AlarmWork.Checked(alarm.get(), alarm.objectName());
        };
    }

    private AlarmOutcome runHandler(Object instance, AlarmTable alarm, AlarmWork.Run run) throws Exception {
        OptionalLong truth = alarm.get();
        if (truth.isEmpty()) {
            return new AlarmOutcome.NoAlarm();
        }
        long scheduled = truth.getAsLong();
        if (!run.force() && scheduled > clock.millis()) {
            return new AlarmOutcome.NotDue(scheduled);
        }
        if (!(instance instanceof AlarmHandler handler)) {
            throw new IllegalStateException(instance.getClass().getSimpleName() + " has an alarm but does not implement AlarmHandler");
        }
        int retryCount = run.indexed().equals(truth) ? run.attemptsBefore() : 0;
        if (!run.force()) {
            meters.started(clock.millis() - Math.max(scheduled, run.dueMs()));
        }
        long writes = alarm.writes();
        handler.alarm(new AlarmInfo(Instant.ofEpochMilli(scheduled), retryCount));
        if (alarm.writes() == writes) {
            alarm.delete();
        }
        return new AlarmOutcome.Ran(scheduled);
    }
}
