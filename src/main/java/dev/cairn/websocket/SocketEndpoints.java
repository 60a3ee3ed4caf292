package dev.cairn.websocket;

import dev.cairn.runtime.Node;
import dev.cairn.sockets.Connection;
import dev.cairn.sockets.SocketEntry;
import dev.cairn.sockets.SocketEvents;
import dev.cairn.sockets.TransportError;


import io.quarkus.websockets.next.CloseReason;
import io.quarkus.vertx.http.runtime.filters.QuarkusRequestWrapper;
import io.vertx.core.buffer.Buffer;
import org.jboss.logging.Logger;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;

/**
 * The two WebSocket endpoints (Quarkus WebSockets Next): {@code /objects/{namespace}/{name}/ws} and
 * {@code /ids/{namespace}/{id}/ws}. The upgrade itself is decided by the object in
 * {@link SocketUpgradeCheck}, which leaves the accepted {@link SocketEntry} in the connection's user
 * data. Every callback runs on the connection's event-loop thread ({@code @NonBlocking}) and only hands
 * the event to {@link SocketEvents}: object code never runs here. websockets-next calls one
 * connection's callbacks one at a time, in order, which is what keeps one socket's events in order.
 */
final class SocketEndpoints {
    private static final Logger LOG = Logger.getLogger(SocketEndpoints.class);
    static final String BY_NAME = "cairn-object-socket-by-name";
    static final String BY_ID = "cairn-object-socket-by-id";
    static final UserData.TypedKey<SocketEntry> ENTRY = new UserData.TypedKey<>("cairn.socket");
    /** Quarkus' wrapper of the upgrade request, released once the socket is open ({@link UpgradedRequests}). */
    static final UserData.TypedKey<QuarkusRequestWrapper> UPGRADE = new UserData.TypedKey<>("cairn.upgrade");

    private SocketEndpoints() {}

    static void open(SocketEvents events, WebSocketConnection c) {
        SocketEntry e = c.userData().get(ENTRY);
        if (e == null) {
            // Only SocketUpgradeCheck lets connections through; without an entry something skipped it.
            c.close(new CloseReason(1011, "socket was not accepted by its object")).subscribe().with(ok -> {}, f -> {});
            return;
        }
        UpgradedRequests.finished(c.userData().get(UPGRADE));
        events.opened(e, new Adapted(c));
    }

    static void text(SocketEvents events, String message, WebSocketConnection c) {
        SocketEntry e = c.userData().get(ENTRY);
        if (e != null) {
            events.text(e, message);
        }
    }

    static void binary(SocketEvents events, byte[] message, WebSocketConnection c) {
        SocketEntry e = c.userData().get(ENTRY);
        if (e != null) {
            events.binary(e, message);
        }
    }

    static void closed(SocketEvents events, CloseReason reason, WebSocketConnection c) {
        SocketEntry e = c.userData().get(ENTRY);
        if (e != null) {
            events.closed(e, reason == null ? null : reason.getCode(), reason == null ? null : reason.getMessage());
        }
    }

    static void error(SocketEvents events, Throwable error, WebSocketConnection c) {
        SocketEntry e = c.userData().get(ENTRY);
        if (e != null) {
            events.error(e, classify(error));
        }
    }

    /** What the transport reported, in the sockets' terms. */
    static TransportError classify(Throwable error) {
        if (error instanceof io.vertx.core.http.HttpClosedException) {
            return new TransportError.Dropped();
        }
        if (error instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException c) {
            boolean big = c.closeStatus() != null && c.closeStatus().code() == 1009;
            return big ? new TransportError.TooBig(error) : new TransportError.ProtocolViolation(error);
        }
        // Vert.x reports a fragmented message over its limit as this (a single oversized frame is closed by Netty with 1009).
        if (error instanceof IllegalStateException && error.getMessage() != null && error.getMessage().contains("max message size")) {
            return new TransportError.TooBig(error);
        }
        return new TransportError.Other(error);
    }

    /** A websockets-next connection as the sockets see it. */
    private record Adapted(WebSocketConnection c) implements Connection {
        @Override
        public void sendText(String text, Runnable written) {
            c.sendText(text).subscribe().with(ok -> written.run(), failure -> written.run());
        }

        @Override
        public void sendBinary(byte[] data, Runnable written) {
            c.sendBinary(Buffer.buffer(data)).subscribe().with(ok -> written.run(), failure -> written.run());
        }

        @Override
        public void close(int code, String reason) {
            c.close(new CloseReason(code, reason)).subscribe().with(ok -> {}, failure ->
                    LOG.debugf("closing socket %s failed: %s", c.id(), failure));
        }
    }

    /** An object addressed by name. */
    @WebSocket(path = "/objects/{namespace}/{name}/ws", endpointId = BY_NAME)
    static final class ByName {
        private final SocketEvents events;

        ByName(Node node) {
            this.events = node.sockets().events();
        }

        @OnOpen
        @NonBlocking
        void onOpen(WebSocketConnection c) {
            open(events, c);
        }

        @OnTextMessage
        @NonBlocking
        void onText(String message, WebSocketConnection c) {
            text(events, message, c);
        }

        @OnBinaryMessage
        @NonBlocking
        void onBinary(byte[] message, WebSocketConnection c) {
            binary(events, message, c);
        }

        @OnClose
        @NonBlocking
        void onClose(CloseReason reason, WebSocketConnection c) {
            closed(events, reason, c);
        }

        @OnError
        @NonBlocking
        void onError(Throwable error, WebSocketConnection c) {
            error(events, error, c);
        }
    }

    /** An object addressed by its unique id. */
    @WebSocket(path = "/ids/{namespace}/{id}/ws", endpointId = BY_ID)
    static final class ById {
        private final SocketEvents events;

        ById(Node node) {
            this.events = node.sockets().events();
        }

        @OnOpen
        @NonBlocking
        void onOpen(WebSocketConnection c) {
            open(events, c);
        }

        @OnTextMessage
        @NonBlocking
        void onText(String message, WebSocketConnection c) {
            text(events, message, c);
        }

        @OnBinaryMessage
        @NonBlocking
        void onBinary(byte[] message, WebSocketConnection c) {
            binary(events, message, c);
        }

        @OnClose
        @NonBlocking
        void onClose(CloseReason reason, WebSocketConnection c) {
            closed(events, reason, c);
        }

        @OnError
        @NonBlocking
        void onError(Throwable error, WebSocketConnection c) {
            error(events, error, c);
        }
    }
}
