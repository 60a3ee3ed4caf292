package dev.cairn.replication.snapshots;

import java.util.concurrent.atomic.AtomicLong;

/** What this node's groups did with snapshots since it started, for metrics. Thread-safe. */
public final class SnapshotStats {
    private final AtomicLong built = new AtomicLong();
    private final AtomicLong buildNanos = new AtomicLong();
    private final AtomicLong installed = new AtomicLong();

    void built(long nanos) {
        built.incrementAndGet();
        buildNanos.addAndGet(nanos);
    }

    void install() {
        installed.incrementAndGet();
    }

    public long built() {
        return built.get();
    }

    public double buildSeconds() {
        return buildNanos.get() / 1e9;
    }

    public long installed() {
        return installed.get();
    }
}
