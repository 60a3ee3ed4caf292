package dev.cairn.rest;

import dev.cairn.cluster.Cluster;
import dev.cairn.cluster.MemberHealth;
import dev.cairn.rest.api.ClusterApi;
import dev.cairn.rest.model.ClusterMemberView;
import dev.cairn.rest.model.ClusterView;
import dev.cairn.rest.model.GroupView;
import dev.cairn.rest.model.ShardAssignment;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;

/** {@code GET /cluster}: this node, the members as it sees them, and each shard's owner. */
final class ClusterResource implements ClusterApi {
    private final Cluster cluster;

    ClusterResource(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public CompletionStage<ClusterView> describeCluster() {
        return CompletableFuture.completedFuture(view());
    }

    private ClusterView view() {
        return switch (cluster) {
            case Cluster.Single single -> new ClusterView().node(single.nodeId()).mode(ClusterView.ModeEnum.SINGLE).shards(0)
                    .members(List.of()).owners(List.of()).groups(List.of());
            case Cluster.Sharded sharded -> new ClusterView().node(sharded.nodeId()).mode(ClusterView.ModeEnum.CLUSTER)
                    .shards(sharded.shards().count())
                    .members(sharded.health().all().stream().map(s -> member(s, sharded.nodeId())).toList())
                    .owners(IntStream.range(0, sharded.shards().count())
                            .mapToObj(shard -> new ShardAssignment().shard(shard).owner(sharded.owners().ownerOf(shard).orElse(null))).toList())
                    .groups(IntStream.range(0, sharded.groups().count()).mapToObj(g -> new GroupView().group(g)
                            .replicas(sharded.groups().replicas(g)).preferredLeader(sharded.groups().preferredLeader(g))
                            .leader(sharded.owners().ownerOf(sharded.groups().firstShard(g)).orElse(null))).toList());
        };
    }

    private static ClusterMemberView member(MemberHealth.Status s, String self) {
        return new ClusterMemberView().id(s.member().id()).url(s.member().url().toString()).self(s.member().id().equals(self))
                .health(switch (s.health()) {
                    case UP -> ClusterMemberView.HealthEnum.UP;
                    case DOWN -> ClusterMemberView.HealthEnum.DOWN;
                    case UNKNOWN -> ClusterMemberView.HealthEnum.UNKNOWN;
                })
                .since(s.since().map(t -> t.atOffset(ZoneOffset.UTC)).orElse(null)).error(s.error().orElse(null));
    }
}
