package dev.cairn.service.health;

import dev.cairn.runtime.Node;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness ({@code /q/health/ready}): the node's alarm index answers a query within
 * {@link #TIMEOUT}, through its own thread, so a wedged index thread counts as unreachable too.
 */
@Readiness
@Singleton
final class AlarmIndexHealthCheck implements HealthCheck {
    static final String NAME = "cairn-alarm-index";
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Node node;

    AlarmIndexHealthCheck(Node node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(NAME);
        try {
            node.alarmIndex().ping().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return response.up().build();
        } catch (java.util.concurrent.TimeoutException e) {
            return response.down().withData("error", "no answer within " + TIMEOUT.toMillis() + " ms").build();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return response.down().withData("error", String.valueOf(cause.getMessage())).build();
        }
    }
}
