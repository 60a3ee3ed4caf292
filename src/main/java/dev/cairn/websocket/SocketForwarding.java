package dev.cairn.websocket;

import dev.cairn.service.CairnConfig;
import dev.cairn.forwarding.ForwardingHeaders;
import dev.cairn.forwarding.NodeAddresses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.InvalidIdException;
import dev.cairn.api.Namespace;
import dev.cairn.api.ObjectId;
import dev.cairn.api.UnknownNamespaceException;
import dev.cairn.rest.ProblemType;
import dev.cairn.rest.Problems;
import dev.cairn.rest.model.Problem;
import dev.cairn.runtime.Node;
import dev.cairn.runtime.Placement;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * WebSockets through a node that does not own the object: an upgrade request to
 * {@code /objects/{ns}/{name}/ws} or {@code /ids/{ns}/{id}/ws} whose object {@link Placement} puts on
 * another node is passed to that node (same path and query, the client's headers, plus
 * {@code Cairn-Forwarded-By}). Only once the owner accepted is the client's request upgraded; then
 * text and binary messages flow both ways unchanged, and a close on either side closes the other with
 * the same code and reason (a connection that drops without one: see {@link Dropped}). An upgrade the
 * owner refuses is answered to the client with the owner's status, content type and body; an owner that
 * cannot be reached with a {@code 503 unreachable} problem. Hibernation, tags and every socket event happen at the owner; this node only relays.
 *
 * <p>Everything else falls through to the local handling: a request already forwarded once (never
 * forwarded again: the local upgrade check then answers), an object that lives here, and an unknown
 * namespace or malformed id (which the local handling answers with its usual problem). Stateless but
 * for the client; handlers run on the request's event-loop thread.
 */
@Singleton
final class SocketForwarding {
    /** Before the WebSockets Next endpoints (routes in order of addition from 0), after Quarkus' own checks. */
    private static final int BEFORE_ENDPOINTS = -1;
    /** Headers of the handshake itself or of one hop; the client connection sets its own. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "upgrade", "keep-alive", "te", "trailer",
            "transfer-encoding", "proxy-authorization", "proxy-connection", "sec-websocket-key", "sec-websocket-version",
            "sec-websocket-extensions", "sec-websocket-accept", "content-length");

    private final Node node;
    private final NodeAddresses nodes;
    private final ObjectMapper json;
    private final WebSocketClient client;

    SocketForwarding(Node node, NodeAddresses nodes, ObjectMapper json, Vertx vertx, CairnConfig config) {
        this.node = node;
        this.nodes = nodes;
        this.json = json;
        int maxMessage = config.websockets().maxMessageSize();
        // The same limits as this node's server sockets (SocketServerOptions), so the relay refuses nothing the owner accepts.
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(maxMessage)
                .setMaxFrameSize((int) Math.min(Integer.MAX_VALUE, 2L * maxMessage)));
    }

    void routes(@Observes Router router) {
        router.route().order(BEFORE_ENDPOINTS).handler(this::route);
    }

    void stop(@Observes ShutdownEvent event) {
        client.close();
    }

    private void route(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!isUpgrade(request) || request.headers().contains(ForwardingHeaders.FORWARDED_BY)) {
            ctx.next();
            return;
        }
        ObjectId id = objectOf(request.path());
        if (id != null && node.placement().locate(id) instanceof Placement.Location.Elsewhere elsewhere) {
            forward(request, elsewhere.node());
        } else {
            ctx.next();
        }
    }

    private static boolean isUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    /** The object of a socket path ({@code /objects/ns/name/ws}, {@code /ids/ns/hex/ws}), or null when it names none. */
    private ObjectId objectOf(String path) {
        String[] parts = path.split("/", -1);
        if (parts.length != 5 || !parts[0].isEmpty() || !parts[4].equals("ws")) {
            return null;
        }
        try {
            Namespace<?> ns = node.get(decoded(parts[2]));
            return switch (parts[1]) {
                case "objects" -> ns.idFromName(decoded(parts[3]));
                case "ids" -> ns.idFromString(parts[3]);
                default -> null;
            };
        } catch (UnknownNamespaceException | InvalidIdException | IllegalArgumentException e) {
            return null; // the local handling answers it with its usual problem
        }
    }

    private static String decoded(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private void forward(HttpServerRequest request, String owner) {
        URI base;
        try {
            base = nodes.of(owner);
        } catch (IllegalArgumentException e) {
            refuse(request.response(), Problems.of(ProblemType.INTERNAL, 500, e.getMessage(), request.path()));
            return;
        }
        request.pause(); // kept as it is until the owner answers the upgrade
        var options = new WebSocketConnectOptions().setAbsoluteURI(wsScheme(base) + request.uri())
                .addHeader(ForwardingHeaders.FORWARDED_BY, nodes.self());
        request.headers().forEach(h -> {
            if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT)) && !h.getKey().equalsIgnoreCase(ForwardingHeaders.FORWARDED_BY)) {
                options.addHeader(h.getKey(), h.getValue());
            }
        });
        client.connect(options).onComplete(connected -> {
            if (connected.succeeded()) {
                relay(request, connected.result());
            } else if (connected.cause() instanceof UpgradeRejectedException rejected) {
                HttpServerResponse response = request.response().setStatusCode(rejected.getStatus());
                String type = rejected.getHeaders() == null ? null : rejected.getHeaders().get(HttpHeaders.CONTENT_TYPE);
                if (type != null) {
                    response.putHeader(HttpHeaders.CONTENT_TYPE, type);
                }
                response.end(rejected.getBody() == null ? io.vertx.core.buffer.Buffer.buffer() : rejected.getBody());
            } else {
                Throwable cause = connected.cause();
                refuse(request.response(), Problems.of(ProblemType.OWNER_UNREACHABLE, 503, "node " + owner + " (" + base
                        + "), which owns this object, could not be reached ("
                        + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName()) + ")",
                        request.path()).retryable(true));
            }
        });
    }

    private static String wsScheme(URI base) {
        String scheme = base.getScheme().equalsIgnoreCase("https") ? "wss" : "ws";
        return scheme + "://" + base.getRawAuthority();
    }

    /** The owner accepted: upgrade the client and pass messages and closes between the two. */
    private void relay(HttpServerRequest request, WebSocket owner) {
        owner.pause(); // nothing from the owner is lost while the client's upgrade completes
        var wrapper = UpgradedRequests.wrapperOf(request);
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                owner.close((short) 1011, "the client's upgrade failed at the relaying node");
                return;
            }
            UpgradedRequests.finished(wrapper);
            var socket = upgraded.result();
            pipe(socket, owner, Dropped.CLIENT_WENT_AWAY);
            pipe(owner, socket, Dropped.OWNER_WENT_AWAY);
            owner.resume();
        });
    }

    /**
     * How the other side is closed when one side's connection ends without a close frame, or fails. An
     * owner's connection ends so when its node died or was cut off: the object moves to another node, so
     * its client is told to reconnect with 1012, as when a leader hands a group over.
     */
    private enum Dropped {
        CLIENT_WENT_AWAY((short) 1001, "the client went away"),
        OWNER_WENT_AWAY((short) 1012, "the object's node went away; reconnect");

        final short code;
        final String reason;

        Dropped(short code, String reason) {
            this.code = code;
            this.reason = reason;
        }
    }

    /**
     * Messages from {@code from} to {@code to}, pausing {@code from} while {@code to} cannot take more; a
     * close of {@code from} closes {@code to} alike, its connection dropped or failed as {@code dropped} says.
     */
    private static void pipe(WebSocketBase from, WebSocketBase to, Dropped dropped) {
        from.textMessageHandler(text -> {
            to.writeTextMessage(text);
            holdWhileFull(from, to);
        });
        from.binaryMessageHandler(bytes -> {
            to.writeBinaryMessage(bytes);
            holdWhileFull(from, to);
        });
        from.closeHandler(v -> closeLike(from, to, dropped));
        from.exceptionHandler(e -> {
            if (!to.isClosed()) {
                to.close(dropped.code, dropped.reason);
            }
        });
    }

    private static void holdWhileFull(WebSocketBase from, WebSocketBase to) {
        if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(v -> from.resume());
        }
    }

    /**
     * Closes {@code to} as {@code from} was closed: the same code and reason. No code at all (1005) is
     * passed on as a plain close; a connection that ended without a close (1006) as {@code dropped}.
     */
    private static void closeLike(WebSocketBase from, WebSocketBase to, Dropped dropped) {
        if (to.isClosed()) {
            return;
        }
        Short code = from.closeStatusCode();
        if (code == null || code == 1006 || code == 1015) {
            to.close(dropped.code, dropped.reason);
        } else if (code == 1005) {
            to.close();
        } else {
            to.close(code, from.closeReason());
        }
    }

    private void refuse(HttpServerResponse response, Problem problem) {
        if (response.ended()) {
            return;
        }
        String text;
        try {
            text = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem body cannot be written as JSON", e);
        }
        response.setStatusCode(problem.getStatus()).putHeader(HttpHeaders.CONTENT_TYPE, Problems.MEDIA_TYPE);
        if (Problems.hasRetryAfter(problem)) {
            response.putHeader("retry-after", Problems.RETRY_AFTER_SECONDS);
        }
        response.end(text);
    }
}
