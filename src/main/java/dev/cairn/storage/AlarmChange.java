package dev.cairn.storage;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one commit did to its object's alarm. A sink hands it on with the commit's bytes: in a
 * cluster, the members that replicate the object's file learn its alarm from it, without opening the
 * file, so that the member taking the lead of its group knows which alarms are due. Immutable.
 */
public sealed interface AlarmChange {
    /** The commit left the alarm as it was. */
    record Unchanged() implements AlarmChange {}

    /** The commit set (or replaced) the alarm; {@code objectName}: the name the object was called by, when it was. */
    record Set(long scheduledMs, Optional<String> objectName) implements AlarmChange {}

    /** The commit deleted the alarm. */
    record Deleted() implements AlarmChange {}

    AlarmChange UNCHANGED = new Unchanged();
    AlarmChange DELETED = new Deleted();

    /** From {@link AlarmTable#takeChange}'s answer: null when unchanged, empty when deleted, else the new time. */
    static AlarmChange of(OptionalLong taken, Optional<String> objectName) {
        if (taken == null) {
            return UNCHANGED;
        }
        return taken.isPresent() ? new Set(taken.getAsLong(), objectName) : DELETED;
    }
}
