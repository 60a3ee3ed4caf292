package dev.cairn.api;

import java.util.List;
import java.util.Optional;

/**
 * The alarms of this node, for tests and tools (inject it). Objects set their own alarm through
 * {@link Storage#setAlarm}.
 */
public interface Alarms {

    /**
     * Runs the object's pending alarm now, whatever its time, and waits for the outcome, like
     * Cloudflare's {@code runDurableObjectAlarm}. Returns {@code false} when the object has no alarm.
     * When the handler throws, the exception is thrown here too, and the alarm is retried as usual.
     */
    boolean runNow(ObjectId id);

    /** Pending alarms, soonest next attempt first; all namespaces when {@code namespace} is empty. */
    List<PendingAlarm> pending(Optional<String> namespace, int limit);
}
