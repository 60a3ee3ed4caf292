package dev.cairn.service;

import dev.cairn.cluster.Cluster;
import dev.cairn.cluster.ClusterIdentity;
import dev.cairn.cluster.Groups;
import dev.cairn.cluster.MemberHealth;
import dev.cairn.cluster.Members;
import dev.cairn.cluster.Shards;
import dev.cairn.namespaces.NamespaceDeclarations;
import dev.cairn.replication.RaftHost;
import dev.cairn.replication.RaftSettings;

import io.quarkus.runtime.ImageMode;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * Builds the cluster this node is part of from {@code cairn.cluster.*}, and holds the fence: a node
 * whose configuration differs from the identity its data directory was created with stops here, at
 * start-up, before it serves anything. Without {@code cairn.cluster.members}: a single node, no fence.
 * A cluster replicates: its Raft host is built here too (started once the node exists).
 */
@Singleton
final class ClusterProducer {
    private static final Logger LOG = Logger.getLogger(ClusterProducer.class);

    private Built built;

    /** The cluster and how its commits replicate, built together once. */
    record Built(Cluster cluster, Replication replication) {}

    @Produces
    @Singleton
    Cluster cluster(CairnConfig config, InstantSource clock, RandomGenerator random, DataDirLock locked) {
        return built(config, clock, random).cluster();
    }

    @Produces
    @Singleton
    Replication replication(CairnConfig config, InstantSource clock, RandomGenerator random, DataDirLock locked) {
        return built(config, clock, random).replication();
    }

    private synchronized Built built(CairnConfig config, InstantSource clock, RandomGenerator random) {
        if (built == null) {
            built = build(config, ConfiguredSettings.declarations(config), clock, random);
        }
        return built;
    }

    /** The cluster {@code config} describes; a sharded one checked against (or written to) the data directory. */
    static Built build(CairnConfig config, NamespaceDeclarations.Declared declared, InstantSource clock,
            RandomGenerator random) {
        CairnConfig.ClusterConfig c = config.cluster();
        if (c.members().isEmpty()) {
            return new Built(Cluster.Single.of(c.nodeId()), new Replication.None());
        }
        if (!declared.lifecycle().isEmpty()) {
            // The Raft logs and snapshots name each object's file by its namespace's directory, and every member
            // would have to move or remove its copies at the same point of each group's log.
            throw new IllegalStateException(declared.lifecycle().stream().map(change -> switch (change) {
                case NamespaceDeclarations.Lifecycle.Renamed r -> "cairn.namespaces." + r.to() + ".renamed-from";
                case NamespaceDeclarations.Lifecycle.Deleted d -> "cairn.namespaces." + d.namespace() + ".deleted";
            }).collect(Collectors.joining(", ")) + ": renaming or deleting a namespace is applied by a single node"
                    + " only, not yet by a replicated cluster (cairn.cluster.members is set). Remove it; meanwhile a namespace can be"
                    + " left declared, or emptied by deleting its objects (DELETE /admin/namespaces/{ns}/objects)");
        }
        if (ImageMode.current() == ImageMode.NATIVE_RUN) {
            throw new IllegalStateException("cairn.cluster.members is set, but cluster mode runs on the JVM only: Apache Ratis"
                    + " creates its RPC and server classes by reflection and ships its own shaded gRPC and Netty, which this"
                    + " native binary does not include. Run the jar (java -jar quarkus-run.jar) for a cluster member");
        }
        Members members = Members.parse(c.nodeId().orElse(null), c.members().get());
        Shards shards = new Shards(c.shards());
        Groups groups = new Groups(members, shards, c.groups().orElseGet(() -> Groups.defaultCount(members, shards)), c.replicas());
        Map<String, String> keys = new TreeMap<>();
        declared.live().forEach(d -> keys.put(d.name(), d.keyFor(d.name())));
        Path dataDir = DataDirLock.usableDataDir(config.dataDir());
        var fence = ClusterIdentity.of(members, shards, groups, keys).fence(dataDir);
        MemberHealth health = new MemberHealth(members, clock);
        RaftHost raft = RaftHost.create(new RaftSettings(dataDir, c.raftPortOffset(), c.electionTimeout(), c.transferTimeout(),
                c.balanceInterval(), c.handOverWarmUp(), c.maxEntryBytes(), c.snapshotEvery(), c.snapshotsKept(), c.logSegmentBytes()), members, shards, groups, health, random);
        LOG.infof("Cairn cluster: node %s of %s, %d shards in %d Raft groups of %d replicas; identity %s", members.self(),
                members.ids(), shards.count(), groups.count(), Math.min(c.replicas(), members.ids().size()),
                fence == ClusterIdentity.Fence.WRITTEN ? "written" : "matches");
        return new Built(new Cluster.Sharded(members, shards, groups, raft.owners(), health, raft.placement()), new Replication.Raft(raft));
    }
}
