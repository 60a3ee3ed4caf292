package dev.cairn.service.health;

import dev.cairn.cluster.Cluster;
import dev.cairn.cluster.MemberHealth;
import dev.cairn.service.Replication;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness ({@code /q/health/ready}): in a cluster, UP once every Raft group has had a serving
 * leader since this node started (so a started cluster serves every object), and then while this
 * node reaches a majority of the members, itself included (each other member by its last probe,
 * {@link MemberProbe}); its data lists those it does not reach (or has not probed yet). A node on the
 * minority side of a partition is taken out of rotation; one node down does not take the others with
 * it, and a failover's election does not either: they keep forwarding to the groups' leaders. It is
 * also DOWN while a group here has more committed entries left to apply than a replica may lag and
 * still lead at once (a node back from a restart replays its log; data {@code applying}), so the
 * leaderships handed back to a member that says it is ready serve at once. A single node is always UP
 * here.
 */
@Readiness
@Singleton
final class ClusterHealthCheck implements HealthCheck {
    static final String NAME = "cairn-cluster";

    private final Cluster cluster;
    private final Replication replication;
    private volatile Joining joining = Joining.ELECTING;

    /** Whether every group has had a serving leader since start-up (checked until it has, then no more). */
    private enum Joining { ELECTING, JOINED }

    ClusterHealthCheck(Cluster cluster, Replication replication) {
        this.cluster = cluster;
        this.replication = replication;
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
                if (joining == Joining.ELECTING) {
                    int[] leaderless = IntStream.range(0, sharded.shards().count()).filter(s -> sharded.owners().ownerOf(s).isEmpty()).toArray();
                    if (leaderless.length > 0) {
                        yield response.withData("leaderless-shards", leaderless.length)
                                .withData("leaderless-groups", IntStream.of(leaderless).map(sharded.groups()::groupOf).distinct().sorted()
                                        .mapToObj(Integer::toString).collect(Collectors.joining(", ")))
                                .down().build();
                    }
                    joining = Joining.JOINED;
                }
                Map<Integer, Long> applying = switch (replication) {
                    case Replication.None none -> Map.of();
                    case Replication.Raft raft -> raft.host().applyBacklogs();
                };
                boolean warming = switch (replication) {
                    case Replication.None none -> false;
                    case Replication.Raft raft -> !raft.host().warm();
                };
                if (warming) {
                    response.withData("warming-up", "running the Raft leader's and the objects' code on scratch data");
                }
                if (!applying.isEmpty()) {
                    response.withData("applying", applying.entrySet().stream()
                            .map(e -> "group " + e.getKey() + ": " + e.getValue() + " committed entries").collect(Collectors.joining(", ")));
                }
                yield (members - unreachable.size() > members / 2 && applying.isEmpty() && !warming ? response.up() : response.down()).build();
            }
        };
    }

    private static String describe(MemberHealth.Status s) {
        return s.member() + " " + s.health().name().toLowerCase(java.util.Locale.ROOT) + s.error().map(e -> " (" + e + ")").orElse("");
    }
}
