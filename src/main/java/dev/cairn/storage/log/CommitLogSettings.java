package dev.cairn.storage.log;


import java.time.Duration;

/**
 * How the node's {@link CommitLog} is kept (durability {@code full}). Immutable.
 *
 * @param segmentBytes a segment this large is closed and a new one started
 * @param flushInterval a segment is also closed once it is this old; a closed segment is deleted as
 *     soon as the objects' WALs it covers are fsynced, so this bounds what a restart after a machine
 *     crash replays
 */
public record CommitLogSettings(long segmentBytes, Duration flushInterval) {
    /** Refuses settings that make no sense, naming the key. */
    public CommitLogSettings {
        if (segmentBytes < 1) {
            throw new IllegalArgumentException("cairn.storage.commit-log.segment-size must be positive, got " + segmentBytes);
        }
        if (flushInterval.toMillis() < 1) {
            throw new IllegalArgumentException("cairn.storage.commit-log.flush-interval must be at least 1ms, got " + flushInterval);
        }
    }

}
