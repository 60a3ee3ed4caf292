package dev.cairn.service.health;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness ({@code /q/health/ready}): the data directory takes a durable write within
 * {@link OwnDataDir#TIMEOUT}. Each readiness condition is its own {@code @Readiness} bean (the node is ready when
 * all are UP); the alarm index adds its own check beside this one.
 */
@Readiness
@Singleton
final class DataDirHealthCheck implements HealthCheck {
    static final String NAME = "cairn-data-dir";

    private final DataDirProbe probe;

    DataDirHealthCheck(OwnDataDir dataDir) {
        this.probe = dataDir.probe();
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(NAME).withData("path", probe.dir().toAbsolutePath().toString());
        var problem = probe.problem();
        return problem.isEmpty() ? response.up().build() : response.down().withData("error", problem.get()).build();
    }
}
