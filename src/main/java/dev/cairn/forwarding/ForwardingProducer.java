package dev.cairn.forwarding;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cluster.Cluster;
import dev.cairn.runtime.RemoteCalls;
import dev.cairn.service.CairnConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Wires how this node reaches the others: their addresses, and typed calls to their objects. Stateless. */
@Singleton
final class ForwardingProducer {
    /** This node's id and the other nodes' URLs ({@code cairn.cluster.members}). */
    @Produces
    @Singleton
    NodeAddresses nodeAddresses(Cluster cluster) {
        return switch (cluster) {
            case Cluster.Single single -> new NodeAddresses() {
                @Override
                public String self() {
                    return single.nodeId();
                }

                @Override
                public java.net.URI of(String node) {
                    throw new IllegalArgumentException("this node runs alone (no cairn.cluster.members): there is no node " + node);
                }
            };
            case Cluster.Sharded sharded -> new NodeAddresses() {
                @Override
                public String self() {
                    return sharded.members().self();
                }

                @Override
                public java.net.URI of(String node) {
                    return sharded.members().url(node);
                }
            };
        };
    }

    /** How typed calls reach objects on other nodes: not at all on a single node, over HTTP in a cluster. */
    @Produces
    @Singleton
    RemoteCalls remoteCalls(Cluster cluster, NodeAddresses nodes, io.vertx.core.Vertx vertx, ObjectMapper json, CairnConfig config) {
        return switch (cluster) {
            case Cluster.Single single -> RemoteCalls.NONE;
            case Cluster.Sharded sharded -> new HttpRemoteCalls(vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setKeepAlive(true).setMaxPoolSize(64)
                    .setConnectTimeout((int) config.cluster().connectTimeout().toMillis())),
                    nodes, json, config.cluster().forwardTimeout());
        };
    }

}
