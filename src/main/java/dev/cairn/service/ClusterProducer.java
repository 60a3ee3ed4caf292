package dev.cairn.service;

import dev.cairn.cluster.Cluster;
import dev.cairn.cluster.ClusterIdentity;
import dev.cairn.cluster.MemberHealth;
import dev.cairn.cluster.Members;
import dev.cairn.cluster.RendezvousOwners;
import dev.cairn.cluster.Shards;
import dev.cairn.namespaces.NamespaceDeclarations;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Builds the cluster this node is part of from {@code cairn.cluster.*}, and holds the fence: a node
 * whose configuration differs from the identity its data directory was created with stops here, at
 * start-up, before it serves anything. Without {@code cairn.cluster.members}: a single node, no fence.
 */
@Singleton
final class ClusterProducer {
    private static final Logger LOG = Logger.getLogger(ClusterProducer.class);

    @Produces
    @Singleton
    Cluster cluster(CairnConfig config, InstantSource clock) {
        return build(config, ConfiguredSettings.declarations(config), clock);
    }

    /** The cluster {@code config} describes; a sharded one checked against (or written to) the data directory. */
    static Cluster build(CairnConfig config, List<NamespaceDeclarations.Declaration> declarations, InstantSource clock) {
        CairnConfig.ClusterConfig c = config.cluster();
        if (c.members().isEmpty()) {
            return Cluster.Single.of(c.nodeId());
        }
        Members members = Members.parse(c.nodeId().orElse(null), c.members().get());
        Shards shards = new Shards(c.shards());
        RendezvousOwners owners = new RendezvousOwners(members, shards);
        Map<String, String> keys = new TreeMap<>();
        declarations.forEach(d -> keys.put(d.name(), d.key()));
        Path dataDir = NodeProducer.usableDataDir(config.dataDir());
        var fence = ClusterIdentity.of(members, shards, keys).fence(dataDir);
        LOG.infof("Cairn cluster: node %s of %s, %d shards (owned: %s); identity %s", members.self(), members.ids(),
                shards.count(), new TreeMap<>(owners.counts()), fence == ClusterIdentity.Fence.WRITTEN ? "written" : "matches");
        return new Cluster.Sharded(members, shards, owners, new MemberHealth(members, clock));
    }
}
