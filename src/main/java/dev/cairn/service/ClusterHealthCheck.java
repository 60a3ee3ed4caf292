package dev.cairn.service;

import dev.cairn.cluster.Cluster;
import dev.cairn.cluster.MemberHealth;

import jakarta.inject.Singleton;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness ({@code /q/health/ready}): in a cluster, UP when every other member answered its last
 * probe ({@link MemberProbe}); its data lists those that did not (or were not probed yet). A node
 * that cannot reach a member cannot serve that member's objects, so it is not fully ready. A single
 * node is always UP here.
 */
@Readiness
@Singleton
final class ClusterHealthCheck implements HealthCheck {
    static final String NAME = "cairn-cluster";

    private final Cluster cluster;

    ClusterHealthCheck(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(NAME).withData("node", cluster.nodeId());
        return switch (cluster) {
            case Cluster.Single single -> response.withData("mode", "single").up().build();
            case Cluster.Sharded sharded -> {
                var unreachable = sharded.health().unreachable();
                response.withData("mode", "cluster").withData("members", sharded.members().all().size());
                if (unreachable.isEmpty()) {
                    yield response.up().build();
                }
                yield response.withData("unreachable", unreachable.stream().map(ClusterHealthCheck::describe)
                        .collect(Collectors.joining(", "))).down().build();
            }
        };
    }

    private static String describe(MemberHealth.Status s) {
        return s.member() + " " + s.health().name().toLowerCase(java.util.Locale.ROOT) + s.error().map(e -> " (" + e + ")").orElse("");
    }
}
