package dev.cairn.forwarding;

import dev.cairn.api.Namespace;
import dev.cairn.api.ObjectId;
import dev.cairn.cluster.Cluster;
import dev.cairn.runtime.Node;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * In a cluster, sends each request for an object ({@code /objects/{ns}/{name}/…}, {@code /ids/{ns}/{id}/…},
 * and the admin API's {@code /admin/objects/{ns}/{id}/…}) to the node owning it, once: a request this node owns goes on to the REST endpoints (its answer
 * carries {@code Cairn-Owner} and {@code Cairn-Shard}), any other is proxied by {@link OwnerProxy}. A
 * request that was forwarded already ({@code Cairn-Forwarded-By}) is never forwarded again. WebSocket
 * upgrades are left to the WebSocket proxy; anything this route cannot place (unknown namespace, bad
 * id) goes on to the local endpoints, which answer the usual problem. A single node registers nothing.
 * Stateless; its handler runs on event-loop threads.
 */
@Singleton
final class ObjectForwarding {
    /**
     * Before rest's HttpProblems (-3) and Quarkus' body-size check (-2): a forwarded body is streamed
     * to the owner untouched, and the owner applies those checks.
     */
    private static final int BEFORE_HTTP_PROBLEMS = -4;

    private final Node node;
    private final Cluster cluster;
    private final OwnerProxy proxy;

    ObjectForwarding(Node node, Cluster cluster, OwnerProxy proxy) {
        this.node = node;
        this.cluster = cluster;
        this.proxy = proxy;
    }

    void routes(@Observes Router router) {
        switch (cluster) {
            case Cluster.Single single -> { } // every object is here: nothing to route
            case Cluster.Sharded sharded -> router.route().order(BEFORE_HTTP_PROBLEMS).handler(ctx -> route(ctx, sharded));
        }
    }

    private void route(RoutingContext ctx, Cluster.Sharded sharded) {
        var request = ctx.request();
        Optional<ObjectAddress> address = ObjectAddress.of(request.path());
        if (address.isEmpty() || "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
            ctx.next();
            return;
        }
        Optional<ObjectId> id = idOf(address.get());
        if (id.isEmpty()) {
            ctx.next();
            return;
        }
        tagForMetrics(address.get());
        Optional<Cluster.Owner> found = sharded.ownerOf(id.get());
        if (found.isEmpty()) {
            proxy.leaderless(ctx, sharded.shards().shardOf(id.get()), id.get());
            return;
        }
        Cluster.Owner owner = found.get();
        String ownerId = owner.member().id();
        if (ownerId.equals(sharded.nodeId())) {
            ctx.addHeadersEndHandler(v -> ctx.response().putHeader(ForwardingHeaders.OWNER, ownerId).putHeader(ForwardingHeaders.SHARD, Integer.toString(owner.shard())));
            ctx.next();
            return;
        }
        String forwardedBy = request.getHeader(ForwardingHeaders.FORWARDED_BY);
        if (forwardedBy != null) {
            proxy.misdirected(ctx, forwardedBy, owner, id.get());
            return;
        }
        proxy.forward(ctx, owner);
    }

    /**
     * What {@code http.server.requests} tags the request's {@code uri} with when this route answers it
     * (forwarded, or refused here): the namespace, not the object, or every object name would become a
     * tag value and the meter would soon refuse new ones. Set as the generated endpoints set theirs, in
     * the request context's local {@code UrlPathTemplate}; served here, the endpoint's own template wins.
     */
    private static void tagForMetrics(ObjectAddress address) {
        Context context = Vertx.currentContext();
        if (context != null) {
            context.putLocal("UrlPathTemplate", switch (address.by()) {
                case NAME -> "/objects/" + address.namespace() + "/{name}/*";
                case ID -> "/ids/" + address.namespace() + "/{id}/*";
                case ADMIN_ID -> "/admin/objects/" + address.namespace() + "/{id}/*";
            });
        }
    }

    /** The id the path addresses, or none when the local endpoints should answer (and refuse) it. */
    private Optional<ObjectId> idOf(ObjectAddress address) {
        try {
            Namespace<?> ns = node.get(address.namespace());
            return Optional.of(switch (address.by()) {
                case NAME -> ns.idFromName(address.key());
                case ID, ADMIN_ID -> ns.idFromString(address.key());
            });
        } catch (RuntimeException unknownNamespaceOrBadId) {
            return Optional.empty();
        }
    }
}
