package dev.cairn.service;

import dev.cairn.runtime.Node;
import dev.cairn.runtime.Placement;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.InvalidIdException;
import dev.cairn.api.Namespace;
import dev.cairn.api.ObjectException;
import dev.cairn.api.ObjectId;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.StorageException;
import dev.cairn.api.UnknownNamespaceException;
import dev.cairn.api.UpgradeRequest;
import dev.cairn.api.WebSocketHandler;
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
 * object or because the request is wrong): the client gets the status and a JSON body
 * {@code {"type","message","retryable","overloaded","remote"}} like every REST error.
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
        ObjectId id;
        try {
            Namespace<?> ns = node.get(ctx.pathParam("namespace"));
            if (!WebSocketHandler.class.isAssignableFrom(ns.kind())) {
                return reject(ctx, 404, "not_found", "objects of namespace '" + ns.name() + "' (" + ns.kind().getSimpleName()
                        + ") accept no WebSockets: the class does not implement WebSocketHandler", false);
            }
            id = SocketEndpoints.BY_NAME.equals(ctx.endpointId()) ? ns.idFromName(ctx.pathParam("name"))
                    : ns.idFromString(ctx.pathParam("id"));
        } catch (UnknownNamespaceException e) {
            return reject(ctx, 404, "not_found", e.getMessage(), false);
        } catch (InvalidIdException | IllegalArgumentException e) {
            return reject(ctx, 400, "bad_request", e.getMessage(), false);
        }
        if (node.isShuttingDown() || node.sockets().isStopping()) {
            return reject(ctx, 503, "shutting_down", Node.shuttingDown().getMessage(), true);
        }
        if (node.placement().locate(id) instanceof Placement.Location.Elsewhere elsewhere) {
            return reject(ctx, 503, "overloaded", "object " + id + " lives on node " + elsewhere.node()
                    + ", which this node cannot reach", true);
        }
        int max = node.sockets().settings().maxSocketsPerObject();
        if (node.sockets().openSockets(id) >= max) {
            return reject(ctx, 429, "overloaded", "object has " + max
                    + " open sockets, the most allowed (cairn.websockets.max-sockets-per-object)", true);
        }
        UpgradeRequest request = request(ctx);
        Context vertx = Vertx.currentContext();
        return Uni.createFrom().emitter(emitter -> node.sockets().events().upgrade(id, request)
                .whenComplete((upgrade, failure) -> vertx.runOnContext(v -> {
                    if (failure != null) {
                        rejectFor(ctx, failure);
                    } else if (!upgrade.decision().accepted()) {
                        writeRejection(ctx, upgrade.decision().status(), "rejected", upgrade.decision().reason(), false, true);
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

    /** The upgrade event failed: the same statuses as a failed call over REST. */
    private void rejectFor(HttpUpgradeContext ctx, Throwable failure) {
        Throwable f = failure;
        while (f instanceof CompletionException && f.getCause() != null) {
            f = f.getCause();
        }
        switch (f) {
            case OverloadedException o -> writeRejection(ctx, 503, o.shuttingDown() ? "shutting_down" : "overloaded", o.getMessage(), true,
                    false);
            case ObjectException o when o.getCause() instanceof StorageException s && s.limit().isPresent() ->
                    writeRejection(ctx, 400, "bad_request", o.getMessage(), false, true);
            case ObjectException o when o.getCause() instanceof IllegalArgumentException ->
                    writeRejection(ctx, 500, "object_error", "invalid upgrade decision: " + o.getMessage(), false, true);
            case ObjectException o -> writeRejection(ctx, 500, "object_error", o.getMessage(), false, true);
            case StorageException s when s.retryable() -> writeRejection(ctx, 503, "internal", s.getMessage(), true, false);
            default -> writeRejection(ctx, 500, "internal", (f.getMessage() != null ? f.getMessage() : f.getClass().getSimpleName()), true, false);
        }
    }

    private Uni<CheckResult> reject(HttpUpgradeContext ctx, int status, String type, String message, boolean retryable) {
        writeRejection(ctx, status, type, message, retryable, false);
        return Uni.createFrom().nothing();
    }

    private void writeRejection(HttpUpgradeContext ctx, int status, String type, String message, boolean retryable, boolean remote) {
        HttpServerResponse response = ctx.httpRequest().response();
        if (response.ended()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("message", message);
        body.put("retryable", retryable);
        body.put("overloaded", status == 503 || status == 429);
        body.put("remote", remote);
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            text = "{\"type\":\"internal\",\"message\":\"cannot write the error\"}";
        }
        response.setStatusCode(status).putHeader("content-type", "application/json");
        if (retryable) {
            response.putHeader("retry-after", "1");
        }
        response.end(text);
    }
}
