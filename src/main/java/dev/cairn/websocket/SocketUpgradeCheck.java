package dev.cairn.websocket;

import dev.cairn.forwarding.ForwardingHeaders;

import dev.cairn.runtime.Node;
import dev.cairn.runtime.Placement;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.InvalidIdException;
import dev.cairn.api.Namespace;
import dev.cairn.api.ObjectException;
import dev.cairn.api.ObjectId;
import dev.cairn.api.UnknownNamespaceException;
import dev.cairn.api.UpgradeRequest;
import dev.cairn.api.WebSocketHandler;
import dev.cairn.rest.ProblemType;
import dev.cairn.rest.Problems;
import dev.cairn.rest.model.Problem;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * Decides every WebSocket upgrade on Cairn's endpoints by asking the object: resolves namespace and
 * id, checks the class handles sockets and the object's socket limit, then runs
 * {@link WebSocketHandler#onUpgrade} as an event of the object (through its mailbox). Accepted: the
 * upgrade proceeds with the new {@link SocketEntry} in the connection's user data. Rejected (by the
 * object or because the request is wrong): the client gets the status and a problem
 * ({@code application/problem+json}) like every REST error, built by {@link Problems}.
 *
 * <p>Why this check writes the rejection itself: websockets-next's {@code CheckResult} carries a
 * status and headers but no body, and the reason is the useful part. So the response is ended here
 * and the returned {@code Uni} never emits (websockets-next then does nothing more with the request).
 * Stateless; runs on the request's event-loop thread and completes there.
 */
@Singleton
final class SocketUpgradeCheck implements HttpUpgradeCheck {
    private final Node node;
    private final ObjectMapper json;

    SocketUpgradeCheck(Node node, ObjectMapper json) {
        this.node = node;
        this.json = json;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return SocketEndpoints.BY_NAME.equals(endpointId) || SocketEndpoints.BY_ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext ctx) {
        String path = ctx.httpRequest().path();
        ObjectId id;
        try {
            Namespace<?> ns = node.get(ctx.pathParam("namespace"));
            if (!WebSocketHandler.class.isAssignableFrom(ns.kind())) {
                return reject(ctx, Problems.of(ProblemType.NOT_FOUND, 404, "objects of namespace '" + ns.name() + "' ("
                        + ns.kind().getSimpleName() + ") accept no WebSockets: the class does not implement WebSocketHandler", path));
            }
            id = SocketEndpoints.BY_NAME.equals(ctx.endpointId()) ? ns.idFromName(ctx.pathParam("name"))
                    : ns.idFromString(ctx.pathParam("id"));
        } catch (UnknownNamespaceException | InvalidIdException | IllegalArgumentException e) {
            return reject(ctx, Problems.ofFailure(e, path));
        }
        if (node.isShuttingDown() || node.sockets().isStopping()) {
            return reject(ctx, Problems.ofFailure(Node.shuttingDown(), path));
        }
        if (node.placement().locate(id) instanceof Placement.Location.Elsewhere elsewhere) {
            // Only a request another node already forwarded gets here (SocketForwarding passes the others on): not forwarded twice.
            return reject(ctx, Problems.of(ProblemType.OVERLOADED, 503, "object " + id + " lives on node " + elsewhere.node()
                    + ", not on this one, and this upgrade was already forwarded by node "
                    + ctx.httpRequest().getHeader(ForwardingHeaders.FORWARDED_BY) + "; the nodes disagree on where it lives"
                    + " (a change of members in progress?): retry", path).retryable(true).overloaded(true));
        }
        if (node.placement().locate(id) instanceof Placement.Location.Unavailable unavailable) {
            return reject(ctx, Problems.of(ProblemType.NOT_LEADER, 503, "object " + id + " has no node to run it right now ("
                    + unavailable.why() + "); retry", path).retryable(true));
        }
        int max = node.sockets().settings().maxSocketsPerObject();
        if (node.sockets().openSockets(id) >= max) {
            return reject(ctx, Problems.of(ProblemType.TOO_MANY_SOCKETS, 429, "object has " + max
                    + " open sockets, the most allowed (cairn.websockets.max-sockets-per-object)", path).retryable(true).overloaded(true));
        }
        UpgradeRequest request = request(ctx);
        Context vertx = Vertx.currentContext();
        return Uni.createFrom().emitter(emitter -> node.sockets().events().upgrade(id, request)
                .whenComplete((upgrade, failure) -> vertx.runOnContext(v -> {
                    if (failure != null) {
                        writeRejection(ctx, problemFor(failure, path));
                    } else if (!upgrade.decision().accepted()) {
                        writeRejection(ctx, Problems.of(ProblemType.UPGRADE_REFUSED, upgrade.decision().status(),
                                upgrade.decision().reason(), path).remote(true));
                    } else {
                        var wrapper = UpgradedRequests.wrapperOf(ctx.httpRequest());
                        if (wrapper != null) {
                            ctx.userData().put(SocketEndpoints.UPGRADE, wrapper);
                        }
                        ctx.userData().put(SocketEndpoints.ENTRY, upgrade.entry());
                        emitter.complete(CheckResult.permitUpgradeSync());
                    }
                })));
    }

    private static UpgradeRequest request(HttpUpgradeContext ctx) {
        var http = ctx.httpRequest();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (var h : http.headers()) {
            headers.merge(h.getKey().toLowerCase(Locale.ROOT), List.of(h.getValue()),
                    (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
        }
        String query = http.query();
        return new UpgradeRequest(http.path(), query == null ? "" : query, Map.copyOf(headers));
    }

    /**
     * The upgrade event failed: the same statuses as a failed call over REST (a {@link dev.cairn.api.Refusal}
     * from {@code onUpgrade} refuses with its status), except that an upgrade decision the object built
     * wrongly is the object's error.
     */
    private static Problem problemFor(Throwable failure, String path) {
        Throwable f = failure;
        while (f instanceof CompletionException && f.getCause() != null) {
            f = f.getCause();
        }
        if (f instanceof ObjectException o && o.getCause() instanceof IllegalArgumentException) {
            return Problems.of(ProblemType.OBJECT_ERROR, 500, "invalid upgrade decision: " + o.getMessage(), path).remote(true);
        }
        return Problems.ofFailure(f, path);
    }

    private Uni<CheckResult> reject(HttpUpgradeContext ctx, Problem problem) {
        writeRejection(ctx, problem);
        return Uni.createFrom().nothing();
    }

    private void writeRejection(HttpUpgradeContext ctx, Problem problem) {
        HttpServerResponse response = ctx.httpRequest().response();
        if (response.ended()) {
            return;
        }
        String text;
        try {
            text = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem body cannot be written as JSON", e);
        }
        response.setStatusCode(problem.getStatus()).putHeader("content-type", Problems.MEDIA_TYPE);
        if (Problems.hasRetryAfter(problem)) {
            response.putHeader("retry-after", Problems.RETRY_AFTER_SECONDS);
        }
        response.end(text);
    }
}
