package dev.cairn.service;

import dev.cairn.alarms.AlarmScheduler;
import dev.cairn.runtime.Node;

import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;

/**
 * Quarkus Scheduler drives the alarm index scan: every {@code cairn.alarms.scan-interval} the
 * alarms due within the next two intervals are handed to the {@link AlarmScheduler}'s timer, which
 * fires each at its time (the scheduler's own resolution is too coarse for that).
 */
@Singleton
final class AlarmScan {
    private final Node node;

    AlarmScan(Node node) {
        this.node = node;
    }

    @Scheduled(identity = "cairn-alarm-scan", every = "${cairn.alarms.scan-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scan() {
        if (!node.isShuttingDown()) {
            node.alarms().scan();
        }
    }
}
