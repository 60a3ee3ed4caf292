package dev.cairn.engine;

import dev.cairn.api.ObjectCall;
import dev.cairn.api.ObjectException;
import dev.cairn.api.ObjectId;
import dev.cairn.api.ObjectSockets;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.StorageException;
import dev.cairn.api.UpgradeDecision;
import dev.cairn.api.UpgradeRequest;
import dev.cairn.api.WebSocketHandler;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Turns what happens on a socket into events of its object. Every event is an {@link Envelope} in
 * the object's mailbox, like a call: one event at a time, a hibernated object is activated by the
 * normal delivery path, and one socket's events keep the order in which the network thread offered
 * them (the mailbox is FIFO and websockets-next hands one socket's messages over one at a time).
 *
 * <p>Nothing is dropped silently. A message the mailbox refuses (full, or queued past the deadline)
 * closes its socket with 1013 (try again later): the client learns that the message was not
 * delivered, instead of the server buffering without bound. A handler that throws or runs past the
 * event timeout closes its socket with 1011. Close events must reach the object (presence, cleanup), so
 * a refused close event is retried every 100 ms until it is queued or the node stops.
 *
 * <p>Stateless apart from its references; called from network threads and timer threads.
 */
final class SocketEvents {
    private static final Logger LOG = Logger.getLogger(SocketEvents.class);
    private static final long CLOSE_RETRY_MILLIS = 100;
    private static final long EMPTY_CLOSE_GRACE_MILLIS = 50;

    private final Engine engine;
    private final SocketHub hub;

    SocketEvents(Engine engine, SocketHub hub) {
        this.engine = engine;
        this.hub = hub;
    }

    /** What an upgrade event decided; {@code entry} is the accepted socket (not open yet). */
    record Upgrade(UpgradeDecision decision, SocketEntry entry) {}

    /**
     * Runs the object's {@link WebSocketHandler#onUpgrade} as an event. An accepted socket's row
     * (tags, initial attachment) is written in that event, so the acceptance is durable with it.
     */
    CompletableFuture<Upgrade> upgrade(LocalNamespace<?> namespace, ObjectId id, UpgradeRequest request) {
        if (engine.isShuttingDown()) {
            return CompletableFuture.failedFuture(Engine.shuttingDown());
        }
        ObjectCall<Object, Object> call = target -> {
            UpgradeDecision d = timed(hub.existing(id), null, () -> ((WebSocketHandler) target).onUpgrade(request));
            if (d == null) {
                throw new IllegalStateException("onUpgrade returned null; return UpgradeDecision.accept(...) or reject(status, reason)");
            }
            if (!d.accepted()) {
                return new Upgrade(d, null);
            }
            ObjectLoop loop = ObjectLoop.current();
            ValueCodec.Encoded attachment = loop.sockets().encodeAttachment(d.attachment());
            String socketId = hub.newSocketId();
            new SocketTable(loop.database()).accepted(socketId, hub.bootId, d.tags(), attachment);
            return new Upgrade(d, new SocketEntry(socketId, namespace, id, d.tags(), attachment, hub));
        };
        Envelope e = new Envelope(call, engine.clock().millis(), CallChain.EMPTY);
        engine.catalog().deliver(namespace, id, e);
        return e.reply.thenApply(r -> (Upgrade) r);
    }

    /** The upgrade completed (network thread): list the socket and tell the object. */
    void opened(SocketEntry e, WebSocketConnection connection) {
        UpgradedRequests.finished(e.upgradeRequest);
        e.upgradeRequest = null;
        e.opened(connection);
        if (!hub.register(e)) {
            e.closeByCairn(1013, "object has " + hub.settings.maxSocketsPerObject()
                    + " sockets, the most allowed (cairn.websockets.max-sockets-per-object)");
            deliverClose(e, target -> {
                new SocketTable(ObjectLoop.current().database()).closed(e.id);
                return null;
            });
            return;
        }
        e.registered = true;
        deliver(e, target -> {
            ((WebSocketHandler) target).onOpen(ObjectLoop.current().sockets().handle(e));
            return null;
        });
    }

    /** A text message (network thread): answered automatically, or delivered as an event. */
    void text(SocketEntry e, String message) {
        SocketSet set = e.set();
        ObjectSockets.AutoResponse auto = set == null ? null : set.autoResponse;
        if (auto != null && auto.request().equals(message)) {
            e.autoRespond(auto.response(), engine.clock().millis());
            return;
        }
        deliver(e, target -> {
            WebSocketHandler h = (WebSocketHandler) target;
            ObjectSocketHandle s = ObjectLoop.current().sockets().handle(e);
            timed(e.set(), e, () -> {
                h.onMessage(s, message);
                return null;
            });
            return null;
        });
    }

    /** A binary message (network thread). */
    void binary(SocketEntry e, byte[] message) {
        deliver(e, target -> {
            WebSocketHandler h = (WebSocketHandler) target;
            ObjectSocketHandle s = ObjectLoop.current().sockets().handle(e);
            timed(e.set(), e, () -> {
                h.onMessage(s, message);
                return null;
            });
            return null;
        });
    }

    /**
     * A transport or protocol error (network thread). A message over the size limit closes the socket
     * with 1009, another protocol violation with 1002; either way the object's onError runs first.
     */
    void error(SocketEntry e, Throwable error) {
        if (isConnectionClosed(error)) {
            // Vert.x reports a connection dropped without a close frame as this error, around the close.
            e.abrupt = true;
            if (e.awaitingCloseKind) {
                deliverClosedOnce(e, 1006, "", false);
            }
            return;
        }
        Throwable reported = error;
        String tooBig = "message too big: at most " + hub.settings.maxMessageSize() + " bytes (cairn.websockets.max-message-size)";
        if (error instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException c) {
            // The frame decoder stopped reading this connection; only a close is left to do.
            boolean big = c.closeStatus() != null && c.closeStatus().code() == 1009;
            String why = big ? tooBig : "protocol error: " + c.getMessage();
            reported = big ? new IllegalArgumentException(tooBig, error) : error;
            e.closeByCairn(big ? 1009 : 1002, why);
        } else if (isMessageTooBig(error)) {
            reported = new IllegalArgumentException(tooBig, error);
            e.closeByCairn(1009, tooBig);
        }
        Throwable delivered = reported;
        deliver(e, target -> {
            WebSocketHandler h = (WebSocketHandler) target;
            ObjectSocketHandle s = ObjectLoop.current().sockets().handle(e);
            timed(e.set(), e, () -> {
                h.onError(s, delivered);
                return null;
            });
            return null;
        });
    }

    /**
     * The connection closed (network thread). Unless the object closed it itself, the object's
     * onClose runs with the code the peer sent (or Cairn's code when Cairn closed it; 1006 and
     * {@code wasClean} false when the connection dropped without a close frame). The row goes either way.
     *
     * <p>A close frame without a code (what a browser's {@code ws.close()} sends) arrives as 1000 from
     * Vert.x. websockets-next reports a dropped connection as "no status code" (1005), as it would a
     * close frame carrying 1005 (invalid, but possible); Vert.x tells the two apart only through the
     * error it raises for a dropped connection, which may come just after the close. So a 1005 close
     * waits up to {@value #EMPTY_CLOSE_GRACE_MILLIS} ms for that error before counting as clean.
     */
    void closed(SocketEntry e, CloseReason reason) {
        SocketEntry.Closer closer = e.connectionClosed();
        if (!e.registered) {
            return;
        }
        hub.unregistered(e);
        if (closer == SocketEntry.Closer.CAIRN) {
            deliverClosedOnce(e, e.cairnCode(), e.cairnReason(), !e.abrupt && reason != null && reason.getCode() != 1006);
        } else if (e.abrupt || reason == null || reason.getCode() == 1006) {
            deliverClosedOnce(e, 1006, "", false);
        } else if (reason.getCode() == 1005) {
            e.awaitingCloseKind = true;
            hub.schedule(() -> deliverClosedOnce(e, 1005, "", true), EMPTY_CLOSE_GRACE_MILLIS);
        } else {
            deliverClosedOnce(e, reason.getCode(), reason.getMessage() == null ? "" : reason.getMessage(), true);
        }
    }

    private void deliverClosedOnce(SocketEntry e, int code, String why, boolean clean) {
        if (!e.closeDelivered.compareAndSet(false, true)) {
            return;
        }
        boolean notify = e.closer() != SocketEntry.Closer.OBJECT;
        deliverClose(e, target -> {
            new SocketTable(ObjectLoop.current().database()).closed(e.id);
            if (notify) {
                WebSocketHandler h = (WebSocketHandler) target;
                ObjectSocketHandle s = ObjectLoop.current().sockets().handle(e);
                timed(e.set(), null, () -> {
                    h.onClose(s, code, why, clean);
                    return null;
                });
            }
            return null;
        });
    }

    private void deliver(SocketEntry e, ObjectCall<Object, Object> call) {
        if (engine.isShuttingDown()) {
            return; // every socket is being closed with 1012
        }
        Envelope env = new Envelope(call, engine.clock().millis(), CallChain.EMPTY);
        env.reply.whenComplete((result, failure) -> {
            if (failure != null) {
                failed(e, failure);
            }
        });
        engine.catalog().deliver(e.namespace, e.objectId, env);
    }

    /** Close events must arrive: a refused one is offered again until it is queued (or the node stops). */
    private void deliverClose(SocketEntry e, ObjectCall<Object, Object> call) {
        if (engine.isShuttingDown()) {
            return; // the row is stale after the restart and removed then
        }
        Envelope env = new Envelope(call, engine.clock().millis(), CallChain.EMPTY);
        env.reply.whenComplete((result, failure) -> {
            Throwable f = unwrap(failure);
            if (f instanceof OverloadedException o && !o.shuttingDown()) {
                hub.schedule(() -> deliverClose(e, call), CLOSE_RETRY_MILLIS);
            } else if (f != null) {
                LOG.debugf("close event of %s failed: %s", e, f.getMessage());
            }
        });
        engine.catalog().deliver(e.namespace, e.objectId, env);
    }

    /** An event of the socket failed: tell the client by closing, with a code saying whether to retry. */
    private void failed(SocketEntry e, Throwable failure) {
        Throwable f = unwrap(failure);
        switch (f) {
            case OverloadedException o when o.shuttingDown() -> e.closeByCairn(1012, "Cairn is restarting; reconnect later");
            case OverloadedException o -> e.closeByCairn(1013, "message not delivered: " + o.getMessage());
            case ObjectException o when o.getCause() instanceof EventTimedOut t -> e.closeByCairn(1011, t.getMessage());
            case ObjectException o -> e.closeByCairn(1011, "object error: " + o.getMessage());
            case StorageException s -> e.closeByCairn(1011, "not saved: " + s.getMessage());
            default -> e.closeByCairn(1011, "internal error: " + ObjectLoop.messageOf(f));
        }
    }

    /**
     * Runs a handler under the object's event timeout. Java cannot stop a running thread safely, so a
     * handler past its time has its socket closed with 1011 at once and is failed when it returns
     * (writes rolled back, sends dropped, instance reset).
     */
    private <T> T timed(SocketSet set, SocketEntry e, Callable<T> handler) throws Exception {
        long limit = hub.eventTimeout(set).toMillis();
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> watch = hub.schedule(() -> {
            fired.set(true);
            if (e != null) {
                e.closeByCairn(1011, "event timed out after " + limit + " ms (cairn.websockets.event-timeout)");
            }
        }, limit);
        T result;
        try {
            result = handler.call();
        } finally {
            watch.cancel(false);
        }
        if (fired.get()) {
            throw new EventTimedOut("event timed out after " + limit + " ms (cairn.websockets.event-timeout)");
        }
        return result;
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static boolean isConnectionClosed(Throwable t) {
        return t instanceof io.vertx.core.http.HttpClosedException;
    }

    /** Vert.x reports a fragmented message over its limit as this exception (a single oversized frame is closed by Netty with 1009). */
    static boolean isMessageTooBig(Throwable t) {
        return t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().contains("max message size");
    }

    /** A socket handler ran past its event timeout. */
    static final class EventTimedOut extends RuntimeException {
        EventTimedOut(String message) {
            super(message, null, false, false);
        }
    }
}
