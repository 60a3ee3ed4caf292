package dev.cairn.service.health;

import dev.cairn.service.Replication;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Liveness ({@code /q/health/live}) and readiness: in a cluster, DOWN once a Raft group this node
 * replicates was closed here because writing its log or applying one of its entries failed (data
 * {@code closed-groups}, the reason in the log). Such a node no longer keeps that group's copy, and
 * only a restart rebuilds it (from its log and snapshot, or the leader's), so liveness says so for
 * whatever restarts unhealthy processes (Kubernetes), and readiness keeps leaderships and clients away
 * meanwhile. UP on a single node.
 */
@Liveness
@Readiness
@Singleton
final class ReplicasHealthCheck implements HealthCheck {
    static final String NAME = "cairn-replicas";

    private final Replication replication;

    ReplicasHealthCheck(Replication replication) {
        this.replication = replication;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(NAME);
        List<Integer> closed = switch (replication) {
            case Replication.None none -> List.of();
            case Replication.Raft raft -> raft.host().closedGroups();
        };
        if (closed.isEmpty()) {
            return response.up().build();
        }
        return response.down()
                .withData("closed-groups", closed.stream().map(String::valueOf).collect(Collectors.joining(", ")))
                .withData("error", "this node stopped replicating these Raft groups: writing their log or applying an entry failed"
                        + " here (see the log); restart the node to rebuild them from its log and snapshots, or wipe its data directory"
                        + " to copy them from the leaders")
                .build();
    }
}
