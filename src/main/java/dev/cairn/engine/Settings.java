package dev.cairn.engine;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The engine's settings as plain values, so the engine can be built with {@code new} in a unit test.
 */
record Settings(
        Path dataDir,
        Duration idleTimeout,
        int maxActive,
        int mailboxCapacity,
        Duration queueDeadline,
        int maxBatch,
        Duration housekeepingInterval,
        Duration shutdownDrainTimeout,
        Durability durability,
        StorageLimits limits,
        AlarmSettings alarms,
        CommitLogSettings commitLog) {

    /** With the commit log's defaults. */
    Settings(Path dataDir, Duration idleTimeout, int maxActive, int mailboxCapacity, Duration queueDeadline, int maxBatch,
            Duration housekeepingInterval, Duration shutdownDrainTimeout, Durability durability, StorageLimits limits,
            AlarmSettings alarms) {
        this(dataDir, idleTimeout, maxActive, mailboxCapacity, queueDeadline, maxBatch, housekeepingInterval,
                shutdownDrainTimeout, durability, limits, alarms, CommitLogSettings.DEFAULTS);
    }

    static Settings from(CairnConfig config) {
        CairnConfig.ObjectsConfig o = config.objects();
        return new Settings(config.dataDir(), o.idleTimeout(), o.maxActive(), o.mailboxCapacity(),
                o.queueDeadline(), o.maxBatch(), o.housekeepingInterval(), config.shutdownDrainTimeout(),
                config.storage().durability(), StorageLimits.from(config.storage()), AlarmSettings.from(config.alarms()),
                CommitLogSettings.from(config.storage()));
    }

    Settings withMaxActive(int max) {
        return new Settings(dataDir, idleTimeout, max, mailboxCapacity, queueDeadline, maxBatch,
                housekeepingInterval, shutdownDrainTimeout, durability, limits, alarms, commitLog);
    }

    Settings with(Durability d) {
        return new Settings(dataDir, idleTimeout, maxActive, mailboxCapacity, queueDeadline, maxBatch,
                housekeepingInterval, shutdownDrainTimeout, d, limits, alarms, commitLog);
    }

    Settings with(StorageLimits l) {
        return new Settings(dataDir, idleTimeout, maxActive, mailboxCapacity, queueDeadline, maxBatch,
                housekeepingInterval, shutdownDrainTimeout, durability, l, alarms, commitLog);
    }

    Settings with(AlarmSettings a) {
        return new Settings(dataDir, idleTimeout, maxActive, mailboxCapacity, queueDeadline, maxBatch,
                housekeepingInterval, shutdownDrainTimeout, durability, limits, a, commitLog);
    }

    Settings with(CommitLogSettings c) {
        return new Settings(dataDir, idleTimeout, maxActive, mailboxCapacity, queueDeadline, maxBatch,
                housekeepingInterval, shutdownDrainTimeout, durability, limits, alarms, c);
    }
}
