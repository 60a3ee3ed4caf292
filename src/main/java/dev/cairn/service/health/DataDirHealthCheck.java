package dev.cairn.service.health;

import dev.cairn.runtime.Node;

import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness ({@code /q/health/ready}): the data directory takes a durable write within
 * {@link #TIMEOUT}. Each readiness condition is its own {@code @Readiness} bean (the node is ready when
 * all are UP); the alarm index adds its own check beside this one.
 */
@Readiness
@Singleton
final class DataDirHealthCheck implements HealthCheck {
    static final String NAME = "cairn-data-dir";
    /** Well above a healthy fsync under load (a slow disk is not a reason to take the node out of service). */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final DataDirProbe probe;

    DataDirHealthCheck(Node node) {
        this.probe = new DataDirProbe(node.settings().dataDir(), TIMEOUT);
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(NAME).withData("path", probe.dir().toAbsolutePath().toString());
        var problem = probe.problem();
        return problem.isEmpty() ? response.up().build() : response.down().withData("error", problem.get()).build();
    }
}
