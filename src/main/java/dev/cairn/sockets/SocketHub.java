package dev.cairn.sockets;

import java.time.InstantSource;

import dev.cairn.storage.ValueCodec;


import dev.cairn.api.ObjectId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * The node's registry of hibernatable sockets: one {@link SocketSet} per object that has sockets (or
 * socket settings), kept here rather than in the instance so that sockets stay open and listed while
 * the object hibernates. Also owns the timer for event timeouts and delivery retries, and closes every
 * socket when the node stops. Thread-safe.
 */
public final class SocketHub {
    private static final Logger LOG = Logger.getLogger(SocketHub.class);
    /** How long shutdown waits for clients to answer the 1012 close frames. */
    private static final long SHUTDOWN_CLOSE_WAIT_MILLIS = 2_000;

    final WebSocketSettings settings;
    /** Random per process start: rows of {@code _cairn_sockets} written under another boot are stale. */
    final String bootId;
    final SocketEvents events;
    final ValueCodec codec;
    final InstantSource clock;
    private final SocketTargets targets;
    private final SocketMeters meters;
    private final ConcurrentHashMap<ObjectId, SocketSet> sets = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile ScheduledExecutorService timer;
    private volatile boolean stopping;

    public SocketHub(SocketTargets targets, WebSocketSettings settings, ValueCodec codec, InstantSource clock,
            RandomGenerator random, SocketMeters meters) {
        this.targets = targets;
        this.settings = settings;
        this.codec = codec;
        this.clock = clock;
        this.meters = meters;
        byte[] boot = new byte[6];
        for (int i = 0; i < boot.length; i++) {
            boot[i] = (byte) random.nextInt(256);
        }
        this.bootId = HexFormat.of().formatHex(boot);
        this.events = new SocketEvents(targets, this);
    }

    /** The adapter's way in: what happens on sockets becomes events of their objects. */
    public SocketEvents events() {
        return events;
    }

    public WebSocketSettings settings() {
        return settings;
    }

    /** This activation's view of the object's sockets ({@link dev.cairn.api.ObjectContext#sockets()}). */
    public LoopSockets activation(ActivationAccess loop) {
        return new LoopSockets(loop, this);
    }

    /** Runs a socket event on the object's thread (see {@link SocketEvents}). */
    public Object handle(SocketEvent event, Object instance, LoopSockets sockets) throws Exception {
        return events.handle(event, instance, sockets);
    }

    /** Sockets open on the object now. */
    public int openSockets(ObjectId id) {
        SocketSet s = existing(id);
        return s == null ? 0 : s.size();
    }

    /** Sockets open on the objects of {@code namespace} now. */
    public int openSockets(String namespace) {
        int n = 0;
        for (var e : sets.entrySet()) {
            if (e.getKey().namespace().equals(namespace)) {
                n += e.getValue().size();
            }
        }
        return n;
    }

    /** A fresh socket id: the boot id and a sequence number, unique on this node across restarts. */
    String newSocketId() {
        return bootId + "-" + Long.toString(sequence.incrementAndGet(), 36);
    }

    /** The object's set, made when missing (or when the previous one was just dropped). */
    SocketSet setFor(ObjectId id) {
        while (true) {
            SocketSet s = sets.computeIfAbsent(id, SocketSet::new);
            if (!s.isDropped()) {
                return s;
            }
            sets.remove(id, s);
        }
    }

    /** The object's set, or null when it has none. */
    SocketSet existing(ObjectId id) {
        SocketSet s = sets.get(id);
        return s == null || s.isDropped() ? null : s;
    }

    /** A socket opened: listed in its object's set (true), or not, the object being at its limit (false). */
    boolean register(SocketEntry e) {
        while (true) {
            SocketSet s = setFor(e.objectId);
            e.joined(s);
            switch (s.add(e, settings.maxSocketsPerObject())) {
                case ADDED -> {
                    e.listed(SocketEntry.Listing.LISTED);
                    meters.opened(e.objectId.namespace());
                    return true;
                }
                case FULL -> {
                    e.listed(SocketEntry.Listing.REFUSED);
                    return false;
                }
                case DROPPED -> {
                    // dropped between setFor and add: take the object's next set
                }
            }
        }
    }

    /** The socket's connection closed. */
    void unregistered(SocketEntry e) {
        meters.closed(e.objectId.namespace());
        SocketSet s = e.set();
        if (s != null) {
            dropIfUnused(s);
        }
    }

    /** The object's loop stopped (eviction, reset of the node): drop its set when it has no socket left. */
    public void objectStopped(ObjectId id) {
        SocketSet s = sets.get(id);
        if (s != null) {
            dropIfUnused(s);
        }
    }

    private void dropIfUnused(SocketSet s) {
        if (s.dropIfUnused(!targets.isActive(s.id))) {
            sets.remove(s.id, s);
        }
    }

    /** Runs {@code task} after {@code delay} on the socket timer (a daemon thread, made on first use). */
    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        ScheduledExecutorService t = timer;
        if (t == null) {
            synchronized (this) {
                t = timer;
                if (t == null) {
                    var pool = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("cairn-sockets").factory());
                    pool.setRemoveOnCancelPolicy(true); // cancelled event timeouts must not pile up
                    timer = t = pool;
                }
            }
        }
        return t.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** The event timeout of an object's socket events. */
    Duration eventTimeout(SocketSet s) {
        Duration own = s == null ? null : s.eventTimeout;
        return own != null ? own : settings.eventTimeout();
    }

    /**
     * The node stops: every socket is closed with 1012 (service restart: reconnect later) and the
     * clients' answers are awaited briefly, so they see a clean close rather than a dropped connection.
     */
    public void closeAllForShutdown() {
        stopping = true;
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (SocketSet s : sets.values()) {
            for (SocketEntry e : s.all()) {
                e.closeByCairn(1012, "Cairn is restarting; reconnect later");
                closing.add(e.closedFuture);
            }
        }
        if (closing.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(SHUTDOWN_CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.infof("shutdown: %d sockets did not answer the close within %d ms", closing.stream().filter(f -> !f.isDone()).count(),
                    SHUTDOWN_CLOSE_WAIT_MILLIS);
        } catch (Exception e) {
            LOG.debug("shutdown: waiting for sockets to close was interrupted", e);
        }
        LOG.infof("shutdown: closed %d sockets with 1012", closing.size());
    }

    /**
     * The objects {@code moved} selects now run on another node: their sockets here close with 1012,
     * and clients reconnect (reaching the new node), as they do when Cloudflare moves an object.
     */
    public void closeMoved(Predicate<ObjectId> moved) {
        for (SocketSet s : sets.values()) {
            if (moved.test(s.id)) {
                for (SocketEntry e : s.all()) {
                    e.closeByCairn(1012, "the object moved to another node; reconnect");
                }
            }
        }
    }

    /** The node is stopping: no new socket is accepted. */
    public boolean isStopping() {
        return stopping;
    }

    /** UTF-8 length of {@code s} without encoding it. */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair of 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /** A close reason cut to the protocol's 123 UTF-8 bytes (on a character boundary). */
    static String truncateReason(String reason) {
        if (reason == null) {
            return "";
        }
        if (utf8Length(reason) <= 123) {
            return reason;
        }
        StringBuilder b = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > 122) { // room for the ellipsis would need 3; keep it simple and plain
                break;
            }
            b.appendCodePoint(cp);
            bytes += len;
            i += Character.charCount(cp);
        }
        return b.toString();
    }
}
