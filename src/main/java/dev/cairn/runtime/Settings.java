package dev.cairn.runtime;

import dev.cairn.alarms.AlarmSettings;
import dev.cairn.history.HistorySettings;
import dev.cairn.namespaces.NamespaceDeclarations;
import dev.cairn.sockets.WebSocketSettings;
import dev.cairn.storage.Durability;
import dev.cairn.storage.StorageLimits;
import dev.cairn.storage.log.CommitLogSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The node's settings as plain values, so a node can be built with {@code new} outside Quarkus. Their
 * defaults live in one place only, the service's configuration mapping ({@code CairnConfig}): tests
 * build their settings from it too.
 */
public record Settings(
        Path dataDir,
        Duration idleTimeout,
        int maxActive,
        int mailboxCapacity,
        Duration queueDeadline,
        Duration eventTimeout,
        Duration outsideWorkLimit,
        int maxBatch,
        Duration housekeepingInterval,
        Duration shutdownDrainTimeout,
        Duration adminQueryTimeLimit,
        Duration inventoryFlushInterval,
        Durability durability,
        StorageLimits limits,
        AlarmSettings alarms,
        CommitLogSettings commitLog,
        HistorySettings history,
        WebSocketSettings webSockets) {

    public Settings {
        if (eventTimeout.isNegative() || eventTimeout.isZero() || eventTimeout.compareTo(NamespaceDeclarations.MAX_EVENT_TIMEOUT) > 0) {
            throw new IllegalStateException("cairn.objects.event-timeout: must be more than 0 and at most 5 minutes, got " + eventTimeout);
        }
        if (adminQueryTimeLimit.isNegative() || adminQueryTimeLimit.isZero()) {
            throw new IllegalStateException("cairn.admin-query-time-limit: must be more than 0, got " + adminQueryTimeLimit);
        }
        if (inventoryFlushInterval.isNegative() || inventoryFlushInterval.isZero()) {
            throw new IllegalStateException("cairn.inventory-flush-interval: must be more than 0, got " + inventoryFlushInterval);
        }
        if (outsideWorkLimit.isNegative() || outsideWorkLimit.isZero()) {
            throw new IllegalStateException("cairn.objects.outside-work-limit: must be more than 0, got " + outsideWorkLimit);
        }
    }
}
