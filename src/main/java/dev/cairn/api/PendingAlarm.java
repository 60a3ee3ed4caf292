package dev.cairn.api;

import java.time.Instant;
import java.util.Optional;

/**
 * A pending alarm as the node's alarm index records it.
 *
 * @param id the object (its {@link ObjectId#name()} is present when the alarm was set through a name)
 * @param scheduledTime the time the object set
 * @param nextAttempt when it runs next: the scheduled time, or the time of the next retry
 * @param retryCount attempts so far that failed or were interrupted
 * @param lastError the last attempt's error, if it failed
 */
public record PendingAlarm(ObjectId id, Instant scheduledTime, Instant nextAttempt, int retryCount,
        Optional<String> lastError) {}
