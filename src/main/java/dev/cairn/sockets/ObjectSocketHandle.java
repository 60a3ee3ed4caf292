package dev.cairn.sockets;

import dev.cairn.api.ObjectSocket;
import java.util.List;

/**
 * What object code holds for one socket: the engine's {@link SocketEntry} seen through one
 * activation's {@link LoopSockets} (so sends go through that loop's output gate). Handles of the same
 * socket are equal. Immutable; used on the object's thread.
 */
final class ObjectSocketHandle implements ObjectSocket {
    final SocketEntry entry;
    private final LoopSockets owner;

    ObjectSocketHandle(SocketEntry entry, LoopSockets owner) {
        this.entry = entry;
        this.owner = owner;
    }

    @Override
    public String id() {
        return entry.id;
    }

    @Override
    public List<String> tags() {
        return entry.tags;
    }

    @Override
    public boolean isOpen() {
        return entry.isOpen();
    }

    @Override
    public void send(String text) {
        owner.send(entry, text);
    }

    @Override
    public void send(byte[] data) {
        owner.send(entry, data);
    }

    @Override
    public void close(int code, String reason) {
        owner.close(entry, code, reason);
    }

    @Override
    public void serializeAttachment(Object value) {
        owner.serializeAttachment(entry, value);
    }

    @Override
    public <T> T deserializeAttachment(Class<T> type) {
        return owner.deserializeAttachment(entry, type);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectSocketHandle h && h.entry == entry;
    }

    @Override
    public int hashCode() {
        return entry.id.hashCode();
    }

    @Override
    public String toString() {
        return "ObjectSocket[" + entry.id + ", tags " + entry.tags + "]";
    }
}
