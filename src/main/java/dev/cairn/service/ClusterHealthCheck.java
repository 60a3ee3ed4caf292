package dev.cairn.service;

import dev.cairn.cluster.Cluster;
import dev.cairn.cluster.MemberHealth;

import jakarta.inject.Singleton;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness ({@code /q/health/ready}): in a cluster, UP while this node reaches a majority of the
 * members, itself included (each other member by its last probe, {@link MemberProbe}); its data lists
 * those it does not reach (or has not probed yet). A node on the minority side of a partition is taken
 * out of rotation; one node down does not take the others with it: they still serve every other
 * node's objects and answer 503 for the missing node's. A single node is always UP here.
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
                int members = sharded.members().all().size();
                response.withData("mode", "cluster").withData("members", members);
                if (!unreachable.isEmpty()) {
                    response.withData("unreachable", unreachable.stream().map(ClusterHealthCheck::describe)
                            .collect(Collectors.joining(", ")));
                }
                yield (members - unreachable.size() > members / 2 ? response.up() : response.down()).build();
            }
        };
    }

    private static String describe(MemberHealth.Status s) {
        return s.member() + " " + s.health().name().toLowerCase(java.util.Locale.ROOT) + s.error().map(e -> " (" + e + ")").orElse("");
    }
}
