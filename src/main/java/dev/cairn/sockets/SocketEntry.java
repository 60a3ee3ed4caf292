package dev.cairn.sockets;

import dev.cairn.storage.ValueCodec;

import dev.cairn.api.ObjectId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One accepted socket as the engine keeps it: identity, tags, committed attachment, the connection,
 * the outbound byte count and who closed it. Outlives the object's instance (hibernation).
 *
 * <p>Threads: created by the accepting event; {@link #opened} on the network thread; sends and
 * closes from the object's thread (after commit) or from Cairn (network or timer threads). Every
 * mutable field is volatile or atomic; the first closer wins ({@link #closer}). The attachment is
 * written only by the object's thread (after its commit, see {@link AfterCommit}).
 */
public final class SocketEntry {

    /** Who closed the socket first. */
    enum Closer { NONE, OBJECT, CAIRN, PEER }

    /** Whether the object's set lists the socket. */
    enum Listing {
        /** Not open yet. */
        PENDING,
        LISTED,
        /** Opened while its object was at its socket limit: closed at once, never listed. */
        REFUSED
    }

    /** How far the socket's ending has gone, as the network reports it and the object is told. */
    enum Ending {
        OPEN,
        /** The transport failed without a close frame (Vert.x reports that as an error before the close). */
        DROPPED,
        /** Closed with "no status code": waiting to learn whether the connection dropped. */
        AWAITING_KIND,
        /** The object's close event was handed over (exactly once). */
        DELIVERED
    }

    final String id;
    final ObjectId objectId;
    final List<String> tags;
    private final SocketHub hub;
    /** Completes when the connection is closed, whoever closed it (shutdown waits for it). */
    final CompletableFuture<Void> closedFuture = new CompletableFuture<>();

    private volatile Connection connection;
    private volatile SocketSet set;
    /** The committed attachment (null: none); events see their own uncommitted one through {@link LoopSockets}. */
    volatile ValueCodec.Encoded attachment;
    /** Node-clock millis of the last automatic response, -1 when none. */
    volatile long autoResponseAtMillis = -1;
    private volatile Listing listing = Listing.PENDING;
    private final AtomicReference<Ending> ending = new AtomicReference<>(Ending.OPEN);
    private final AtomicLong pendingOutBytes = new AtomicLong();
    private final AtomicReference<Closer> closer = new AtomicReference<>(Closer.NONE);
    private volatile int cairnCode;
    private volatile String cairnReason;

    SocketEntry(String id, ObjectId objectId, List<String> tags, ValueCodec.Encoded attachment, SocketHub hub) {
        this.id = id;
        this.objectId = objectId;
        this.tags = tags;
        this.attachment = attachment;
        this.hub = hub;
    }

    void listed(Listing l) {
        listing = l;
    }

    boolean isListed() {
        return listing == Listing.LISTED;
    }

    /** The transport dropped; returns whether a 1005 close was waiting for this news (it is a drop, 1006, then). */
    boolean dropped() {
        return ending.getAndUpdate(s -> s == Ending.OPEN ? Ending.DROPPED : s) == Ending.AWAITING_KIND;
    }

    boolean wasDropped() {
        return ending.get() == Ending.DROPPED;
    }

    /** A 1005 close: wait for a drop to be reported; false when it already was. */
    boolean awaitCloseKind() {
        return ending.compareAndSet(Ending.OPEN, Ending.AWAITING_KIND);
    }

    /** True exactly once: the caller hands the object its close event. */
    boolean markCloseDelivered() {
        return ending.getAndSet(Ending.DELIVERED) != Ending.DELIVERED;
    }

    /** The upgrade completed: from now on the socket can be reached. */
    void opened(Connection c) {
        this.connection = c;
    }

    /** The set that lists (or was asked to list) this socket. */
    void joined(SocketSet s) {
        this.set = s;
    }

    SocketSet set() {
        return set;
    }

    boolean isOpen() {
        return connection != null && closer.get() == Closer.NONE;
    }

    Closer closer() {
        return closer.get();
    }

    int cairnCode() {
        return cairnCode;
    }

    String cairnReason() {
        return cairnReason;
    }

    /** Sends text unless closed; a client too slow to take it is closed with 1008 instead. */
    void sendText(String text, int bytes) {
        Connection c = connection;
        if (c == null || closer.get() != Closer.NONE || !reserve(bytes)) {
            return;
        }
        c.sendText(text, () -> release(bytes));
    }

    /** Sends bytes unless closed; a client too slow to take them is closed with 1008 instead. */
    void sendBinary(byte[] data) {
        Connection c = connection;
        if (c == null || closer.get() != Closer.NONE || !reserve(data.length)) {
            return;
        }
        c.sendBinary(data, () -> release(data.length));
    }

    /**
     * Counts {@code bytes} as waiting for the network. Over the bound the socket is closed: memory per
     * slow client stays bounded. One message larger than the bound passes when nothing else waits.
     */
    private boolean reserve(int bytes) {
        long waiting = pendingOutBytes.addAndGet(bytes);
        if (waiting > hub.settings.maxOutboundBuffer() && waiting != bytes) {
            pendingOutBytes.addAndGet(-bytes);
            closeByCairn(1008, "client too slow: over " + hub.settings.maxOutboundBuffer()
                    + " bytes unsent (cairn.websockets.max-outbound-buffer)");
            return false;
        }
        return true;
    }

    private void release(int bytes) {
        pendingOutBytes.addAndGet(-bytes);
    }

    /** Bytes handed to the connection and not yet written to the network. */
    long pendingOutBytes() {
        return pendingOutBytes.get();
    }

    /** An automatic response, from the network thread: no event, no output gate (nothing was written). */
    void autoRespond(String response, long nowMillis) {
        autoResponseAtMillis = nowMillis;
        sendText(response, SocketHub.utf8Length(response));
    }

    /** The object closed the socket (after its event committed). No onClose follows. */
    void closeByObject(int code, String reason) {
        close(Closer.OBJECT, code, reason);
    }

    /** Cairn closed the socket (a bound, a failed event, shutdown); the object's onClose follows. */
    void closeByCairn(int code, String reason) {
        String r = SocketHub.truncateReason(reason);
        cairnCode = code;
        cairnReason = r;
        close(Closer.CAIRN, code, r);
    }

    private void close(Closer who, int code, String reason) {
        Connection c = connection;
        if (c == null || !closer.compareAndSet(Closer.NONE, who)) {
            return;
        }
        SocketSet s = set;
        if (s != null) {
            s.remove(this);
        }
        c.close(code, reason);
    }

    /**
     * The connection is closed (network thread): who closed it first. The peer when no one else had;
     * the socket leaves its set either way.
     */
    Closer connectionClosed() {
        closer.compareAndSet(Closer.NONE, Closer.PEER);
        SocketSet s = set;
        if (s != null) {
            s.remove(this);
        }
        closedFuture.complete(null);
        return closer.get();
    }

    @Override
    public String toString() {
        return "socket " + id + " of " + objectId.namespace() + "/" + objectId.name().orElse(objectId.toString());
    }
}
