package dev.cairn.history;

import java.time.Duration;

/**
 * How long and how much of each object's history is kept for point-in-time recovery. Immutable.
 *
 * @param enabled whether commits are kept as history at all
 * @param window how far back a bookmark can reach; older history is removed
 * @param maxBytesPerObject the disk budget of one object's history; past it the oldest history is removed
 *     first, even inside the window
 */
public record HistorySettings(boolean enabled, Duration window, long maxBytesPerObject) {
    /** Refuses settings that make no sense, naming the key. */
    public HistorySettings {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalStateException("cairn.storage.history.window: must be more than 0, got " + window);
        }
        if (maxBytesPerObject < 1) {
            throw new IllegalStateException("cairn.storage.history.max-bytes-per-object: must be more than 0, got " + maxBytesPerObject);
        }
    }
}
