package dev.cairn.alarms;

import dev.cairn.runtime.NodeMeters.NamespaceMeters;
import dev.cairn.runtime.NodeMeters;
import dev.cairn.sockets.SocketMeters;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's meters in alarm tests: counts alarm outcomes ({@code succeeded}, {@code retried},
 * {@code dropped}) as the service's {@code cairn_alarms_total{outcome}} does; everything else goes
 * nowhere. Give it to the test kit with {@code .meters(names -> counts)}. Thread-safe.
 */
final class AlarmCounts implements NodeMeters {
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final AlarmMeters alarms = new AlarmMeters() {
        @Override
        public void started(long lateMillis) {}

        @Override
        public void succeeded() {
            count("succeeded");
        }

        @Override
        public void retried() {
            count("retried");
        }

        @Override
        public void dropped() {
            count("dropped");
        }
    };

    /** How many alarm attempts ended with {@code outcome} ({@code succeeded}, {@code retried}, {@code dropped}). */
    long outcomes(String outcome) {
        AtomicLong n = outcomes.get(outcome);
        return n == null ? 0 : n.get();
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public AlarmMeters alarms() {
        return alarms;
    }

    @Override
    public NamespaceMeters namespace(String name) {
        return NONE.namespace(name);
    }

    @Override
    public SocketMeters sockets() {
        return NONE.sockets();
    }
}
