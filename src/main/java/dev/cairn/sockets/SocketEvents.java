package dev.cairn.sockets;

import dev.cairn.api.AbortedException;
import dev.cairn.api.ObjectException;
import dev.cairn.api.ObjectId;
import dev.cairn.api.ObjectSockets;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.Refusal;
import dev.cairn.api.StorageException;
import dev.cairn.api.UpgradeDecision;
import dev.cairn.api.UpgradeRequest;
import dev.cairn.api.WebSocketHandler;
import dev.cairn.storage.SocketTable;
import dev.cairn.storage.ValueCodec;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Turns what happens on a socket into events of its object, and runs them there. Every event is a
 * {@link SocketEvent} sent through the node's one way into a mailbox, like a call: one event at a
 * time, a hibernated object is activated by the normal delivery path, and one socket's events keep
 * the order in which the network thread offered them (the mailbox is FIFO and websockets-next hands
 * one socket's messages over one at a time).
 *
 * <p>Nothing is dropped silently. A message the mailbox refuses (full, or queued past the deadline)
 * closes its socket with 1013 (try again later): the client learns that the message was not
 * delivered, instead of the server buffering without bound. A handler that throws or runs past the
 * event timeout closes its socket with 1011. Close events must reach the object (presence, cleanup), so
 * a refused close event is retried every 100 ms until it is queued or the node stops.
 *
 * <p>Stateless apart from its references: the receiving methods run on network and timer threads,
 * {@link #handle} on the object's thread.
 */
public final class SocketEvents {
    private static final Logger LOG = Logger.getLogger(SocketEvents.class);
    private static final long CLOSE_RETRY_MILLIS = 100;
    private static final long EMPTY_CLOSE_GRACE_MILLIS = 50;

    private final SocketTargets targets;
    private final SocketHub hub;

    SocketEvents(SocketTargets targets, SocketHub hub) {
        this.targets = targets;
        this.hub = hub;
    }

    /** What an upgrade event decided; {@code entry} is the accepted socket (not open yet). */
    public record Upgrade(UpgradeDecision decision, SocketEntry entry) {}

    /**
     * Runs the object's {@link WebSocketHandler#onUpgrade} as an event. An accepted socket's row
     * (tags, initial attachment) is written in that event, so the acceptance is durable with it.
     */
    public CompletableFuture<Upgrade> upgrade(ObjectId id, UpgradeRequest request) {
        return targets.send(id, new SocketEvent.Upgrade(request)).thenApply(r -> (Upgrade) r);
    }

    /** The upgrade completed (network thread): list the socket and tell the object. */
    public void opened(SocketEntry e, Connection connection) {
        e.opened(connection);
        if (!hub.register(e)) {
            e.closeByCairn(1013, "object has " + hub.settings.maxSocketsPerObject()
                    + " sockets, the most allowed (cairn.websockets.max-sockets-per-object)");
            deliverClose(e, new SocketEvent.Refused(e));
            return;
        }
        deliver(e, new SocketEvent.Open(e));
    }

    /** A text message (network thread): answered automatically, or delivered as an event. */
    public void text(SocketEntry e, String message) {
        SocketSet set = e.set();
        ObjectSockets.AutoResponse auto = set == null ? null : set.autoResponse;
        if (auto != null && auto.request().equals(message)) {
            e.autoRespond(auto.response(), hub.clock.millis());
            return;
        }
        deliver(e, new SocketEvent.Text(e, message));
    }

    /** A binary message (network thread). */
    public void binary(SocketEntry e, byte[] message) {
        deliver(e, new SocketEvent.Binary(e, message));
    }

    /**
     * A transport or protocol error (network thread). A message over the size limit closes the socket
     * with 1009, another protocol violation with 1002; either way the object's onError runs first.
     */
    public void error(SocketEntry e, TransportError error) {
        String tooBig = "message too big: at most " + hub.settings.maxMessageSize() + " bytes (cairn.websockets.max-message-size)";
        Throwable reported = switch (error) {
            case TransportError.Dropped d -> {
                // Vert.x reports a connection dropped without a close frame as an error, around the close.
                if (e.dropped()) {
                    deliverClosedOnce(e, 1006, "", false);
                }
                yield null;
            }
            case TransportError.TooBig big -> {
                e.closeByCairn(1009, tooBig);
                yield new IllegalArgumentException(tooBig, big.cause());
            }
            case TransportError.ProtocolViolation p -> {
                e.closeByCairn(1002, "protocol error: " + p.cause().getMessage());
                yield p.cause();
            }
            case TransportError.Other o -> o.cause();
        };
        if (reported != null) {
            deliver(e, new SocketEvent.Error(e, reported));
        }
    }

    /**
     * The connection closed (network thread) with {@code code} (null when the adapter had none).
     * Unless the object closed it itself, the object's onClose runs with the code the peer sent (or
     * Cairn's code when Cairn closed it; 1006 and {@code wasClean} false when the connection dropped
     * without a close frame). The row goes either way.
     *
     * <p>A close frame without a code (what a browser's {@code ws.close()} sends) arrives as 1000 from
     * Vert.x. websockets-next reports a dropped connection as "no status code" (1005), as it would a
     * close frame carrying 1005 (invalid, but possible); Vert.x tells the two apart only through the
     * error it raises for a dropped connection, which may come just after the close. So a 1005 close
     * waits up to {@value #EMPTY_CLOSE_GRACE_MILLIS} ms for that error before counting as clean.
     */
    public void closed(SocketEntry e, Integer code, String reason) {
        SocketEntry.Closer closer = e.connectionClosed();
        if (!e.isListed()) {
            return;
        }
        hub.unregistered(e);
        boolean dropped = e.wasDropped() || code == null || code == 1006;
        if (closer == SocketEntry.Closer.CAIRN) {
            deliverClosedOnce(e, e.cairnCode(), e.cairnReason(), !dropped);
        } else if (dropped) {
            deliverClosedOnce(e, 1006, "", false);
        } else if (code == 1005) {
            if (e.awaitCloseKind()) {
                hub.schedule(() -> deliverClosedOnce(e, 1005, "", true), EMPTY_CLOSE_GRACE_MILLIS);
            } else { // the drop was reported meanwhile
                deliverClosedOnce(e, 1006, "", false);
            }
        } else {
            deliverClosedOnce(e, code, reason == null ? "" : reason, true);
        }
    }

    private void deliverClosedOnce(SocketEntry e, int code, String why, boolean clean) {
        if (e.markCloseDelivered()) {
            deliverClose(e, new SocketEvent.Close(e, code, why, clean, e.closer() != SocketEntry.Closer.OBJECT));
        }
    }

    private void deliver(SocketEntry e, SocketEvent event) {
        targets.send(e.objectId, event).whenComplete((result, failure) -> {
            if (failure != null) {
                failed(e, failure);
            }
        });
    }

    /** Close events must arrive: a refused one is offered again until it is queued (or the node stops: the row is stale after the restart and removed then). */
    private void deliverClose(SocketEntry e, SocketEvent event) {
        targets.send(e.objectId, event).whenComplete((result, failure) -> {
            Throwable f = unwrap(failure);
            if (f instanceof OverloadedException o && !o.shuttingDown()) {
                hub.schedule(() -> deliverClose(e, event), CLOSE_RETRY_MILLIS);
            } else if (f != null) {
                LOG.debugf("close event of %s failed: %s", e, f.getMessage());
            }
        });
    }

    /** An event of the socket failed: tell the client by closing, with a code saying whether to retry. */
    private void failed(SocketEntry e, Throwable failure) {
        Throwable f = unwrap(failure);
        switch (f) {
            case OverloadedException o when o.shuttingDown() -> e.closeByCairn(1012, "Cairn is restarting; reconnect later");
            case OverloadedException o -> e.closeByCairn(1013, "message not delivered: " + o.getMessage());
            // The object refused the message (or the socket's open): its writes were rolled back, its
            // instance kept; the client learns why, with the code for a policy the peer broke.
            case Refusal r -> e.closeByCairn(1008, r.getMessage());
            case ObjectException o when o.getCause() instanceof EventTimedOut t -> e.closeByCairn(1011, t.getMessage());
            case ObjectException o -> e.closeByCairn(1011, "object error: " + o.getMessage());
            case AbortedException a -> e.closeByCairn(1011, "aborted: " + a.getMessage());
            case StorageException s -> e.closeByCairn(1011, "not saved: " + s.getMessage());
            default -> e.closeByCairn(1011, "internal error: " + (f.getMessage() != null ? f.getMessage() : f.getClass().getSimpleName()));
        }
    }

    /** Runs {@code event} on the object's thread, with its instance and this activation's sockets view. */
    Object handle(SocketEvent event, Object instance, LoopSockets sockets) throws Exception {
        return switch (event) {
            case SocketEvent.Upgrade u -> upgrade(u.request(), (WebSocketHandler) instance, sockets);
            case SocketEvent.Open o -> {
                ((WebSocketHandler) instance).onOpen(sockets.handle(o.entry()));
                yield null;
            }
            case SocketEvent.Refused r -> {
                new SocketTable(sockets.database()).closed(r.entry().id);
                yield null;
            }
            case SocketEvent.Text t -> timed(t.entry().set(), t.entry(), () -> {
                ((WebSocketHandler) instance).onMessage(sockets.handle(t.entry()), t.message());
                return null;
            });
            case SocketEvent.Binary b -> timed(b.entry().set(), b.entry(), () -> {
                ((WebSocketHandler) instance).onMessage(sockets.handle(b.entry()), b.message());
                return null;
            });
            case SocketEvent.Error err -> timed(err.entry().set(), err.entry(), () -> {
                ((WebSocketHandler) instance).onError(sockets.handle(err.entry()), err.error());
                return null;
            });
            case SocketEvent.Close c -> {
                new SocketTable(sockets.database()).closed(c.entry().id);
                if (c.tellObject()) {
                    timed(c.entry().set(), null, () -> {
                        ((WebSocketHandler) instance).onClose(sockets.handle(c.entry()), c.code(), c.reason(), c.clean());
                        return null;
                    });
                }
                yield null;
            }
        };
    }

    private Upgrade upgrade(UpgradeRequest request, WebSocketHandler handler, LoopSockets sockets) throws Exception {
        ObjectId id = sockets.id();
        UpgradeDecision d = timed(hub.existing(id), null, () -> handler.onUpgrade(request));
        if (d == null) {
            throw new IllegalStateException("onUpgrade returned null; return UpgradeDecision.accept(...) or reject(status, reason)");
        }
        if (!d.accepted()) {
            return new Upgrade(d, null);
        }
        ValueCodec.Encoded attachment = sockets.encodeAttachment(d.attachment());
        String socketId = hub.newSocketId();
        new SocketTable(sockets.database()).accepted(socketId, hub.bootId, d.tags(), attachment);
        return new Upgrade(d, new SocketEntry(socketId, id, d.tags(), attachment, hub));
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

    /** A socket handler ran past its event timeout. */
    static final class EventTimedOut extends RuntimeException {
        EventTimedOut(String message) {
            super(message, null, false, false);
        }
    }
}
