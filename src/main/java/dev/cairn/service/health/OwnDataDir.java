package dev.cairn.service.health;

import dev.cairn.cluster.OwnStorage;
import dev.cairn.service.CairnConfig;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;

/**
 * This node's data directory, probed on demand ({@link DataDirProbe}): for the readiness check
 * ({@link DataDirHealthCheck}) and, in a cluster, for the leadership balancer ({@link OwnStorage}),
 * which hands a leader's groups away only when the disk refuses writes, not when it is slow.
 * Thread-safe (one probe at a time).
 */
@Singleton
final class OwnDataDir implements OwnStorage {
    /** Well above a healthy fsync under load (a slow disk is not a reason to take the node out of service). */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final DataDirProbe probe;

    OwnDataDir(CairnConfig config) {
        this.probe = new DataDirProbe(config.dataDir(), TIMEOUT);
    }

    DataDirProbe probe() {
        return probe;
    }

    @Override
    public Optional<String> refusing() {
        return probe.check().filter(p -> p.kind() == DataDirProbe.Kind.REFUSED).map(DataDirProbe.Problem::message);
    }
}
