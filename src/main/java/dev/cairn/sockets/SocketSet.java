package dev.cairn.sockets;


import dev.cairn.api.ObjectId;
import dev.cairn.api.ObjectSockets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The open sockets of one object and its socket settings, kept by the {@link SocketHub} outside the
 * instance so they outlive hibernation. Thread-safe: network threads add and remove sockets, the
 * object's thread lists them; the maps are guarded by {@code this}, the settings are volatile.
 *
 * <p>A set is dropped once it has no socket and its object is not active; settings made without any
 * socket therefore last until then, which is why objects set them in their constructor.
 */
final class SocketSet {
    final ObjectId id;
    /** Open sockets in the order they opened. */
    private final LinkedHashMap<String, SocketEntry> open = new LinkedHashMap<>();
    private final Map<String, LinkedHashSet<SocketEntry>> byTag = new HashMap<>();
    /** Removed from the hub; a new set must be made for this object. */
    private boolean dropped;

    volatile ObjectSockets.AutoResponse autoResponse;
    /** Null: {@code cairn.websockets.event-timeout}. */
    volatile Duration eventTimeout;

    SocketSet(ObjectId id) {
        this.id = id;
    }

    enum Added { ADDED, FULL, DROPPED }

    /** Adds an opened socket unless the set is full or was dropped (then the caller needs a new set). */
    synchronized Added add(SocketEntry e, int max) {
        if (dropped) {
            return Added.DROPPED;
        }
        if (open.size() >= max) {
            return Added.FULL;
        }
        open.put(e.id, e);
        for (String tag : e.tags) {
            byTag.computeIfAbsent(tag, t -> new LinkedHashSet<>()).add(e);
        }
        return Added.ADDED;
    }

    synchronized void remove(SocketEntry e) {
        if (open.remove(e.id) == null) {
            return;
        }
        for (String tag : e.tags) {
            var tagged = byTag.get(tag);
            if (tagged != null && tagged.remove(e) && tagged.isEmpty()) {
                byTag.remove(tag);
            }
        }
    }

    synchronized List<SocketEntry> all() {
        return new ArrayList<>(open.values());
    }

    synchronized List<SocketEntry> withTag(String tag) {
        var tagged = byTag.get(tag);
        return tagged == null ? List.of() : new ArrayList<>(tagged);
    }

    synchronized int size() {
        return open.size();
    }

    synchronized boolean isDropped() {
        return dropped;
    }

    /** Marks the set dropped when it holds no socket and {@code inactive} says the object is gone. */
    synchronized boolean dropIfUnused(boolean inactive) {
        if (!dropped && open.isEmpty() && inactive) {
            dropped = true;
        }
        return dropped;
    }
}
