package dev.cairn.sockets;

import dev.cairn.api.ObjectId;

import dev.cairn.storage.ObjectDatabase;

import dev.cairn.storage.SocketTable;
import dev.cairn.storage.ValueCodec;

import dev.cairn.api.ObjectSocket;
import dev.cairn.api.ObjectSockets;
import dev.cairn.api.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The object's sockets as one activation sees them ({@link dev.cairn.api.ObjectContext#sockets()}).
 * Reads go to the node's {@link SocketHub}; sends, closes and attachment changes are checked at
 * once (a bad argument throws in the event) but take effect through the loop's output gate ({@link AfterCommit}), after
 * the event's batch commits. Attachment writes go into {@code _cairn_sockets} in the event's
 * transaction; until they commit, only this loop's events see them (read-your-writes).
 * Owned by the object's thread: every method refuses other threads.
 */
public final class LoopSockets implements ObjectSockets {
    /** Longest auto-response request or response, in characters. */
    static final int MAX_AUTO_RESPONSE_LENGTH = 2048;
    /** Marks an attachment removed by an uncommitted event. */
    private static final ValueCodec.Encoded REMOVED = new ValueCodec.Encoded(-1, new byte[0]);

    private final ActivationAccess loop;
    private final SocketHub hub;
    /** Attachments written by events of the current batch, not yet committed. */
    private final Map<SocketEntry, ValueCodec.Encoded> uncommitted = new HashMap<>();
    /** Bytes the running event has sent to each socket: they wait in the outbox until the commit. */
    private final Map<SocketEntry, Long> sentThisEvent = new HashMap<>();

    LoopSockets(ActivationAccess loop, SocketHub hub) {
        this.loop = loop;
        this.hub = hub;
    }

    ObjectId id() {
        return loop.id();
    }

    ObjectDatabase database() {
        return loop.database();
    }

    ObjectSocketHandle handle(SocketEntry e) {
        return new ObjectSocketHandle(e, this);
    }

    @Override
    public List<ObjectSocket> all() {
        checkThread();
        SocketSet s = hub.existing(loop.id());
        return s == null ? List.of() : handles(s.all());
    }

    @Override
    public List<ObjectSocket> withTag(String tag) {
        checkThread();
        if (tag == null) {
            throw new IllegalArgumentException("tag may not be null");
        }
        SocketSet s = hub.existing(loop.id());
        return s == null ? List.of() : handles(s.withTag(tag));
    }

    @Override
    public int count() {
        checkThread();
        SocketSet s = hub.existing(loop.id());
        return s == null ? 0 : s.size();
    }

    private List<ObjectSocket> handles(List<SocketEntry> entries) {
        List<ObjectSocket> out = new ArrayList<>(entries.size());
        for (SocketEntry e : entries) {
            out.add(handle(e));
        }
        return out;
    }

    @Override
    public void setAutoResponse(String request, String response) {
        checkThread();
        if (request == null || request.isEmpty() || response == null) {
            throw new IllegalArgumentException("an auto-response needs a non-empty request and a response (not null)");
        }
        if (request.length() > MAX_AUTO_RESPONSE_LENGTH || response.length() > MAX_AUTO_RESPONSE_LENGTH) {
            throw new IllegalArgumentException("auto-response request and response have at most " + MAX_AUTO_RESPONSE_LENGTH
                    + " characters each, got " + request.length() + " and " + response.length());
        }
        hub.setFor(loop.id()).autoResponse = new AutoResponse(request, response);
    }

    @Override
    public void clearAutoResponse() {
        checkThread();
        SocketSet s = hub.existing(loop.id());
        if (s != null) {
            s.autoResponse = null;
        }
    }

    @Override
    public Optional<AutoResponse> autoResponse() {
        checkThread();
        SocketSet s = hub.existing(loop.id());
        return Optional.ofNullable(s == null ? null : s.autoResponse);
    }

    @Override
    public Optional<Instant> autoResponseTimestamp(ObjectSocket socket) {
        checkThread();
        long at = own(socket).autoResponseAtMillis;
        return at < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
    }

    @Override
    public void setEventTimeout(Duration timeout) {
        checkThread();
        if (timeout != null && (timeout.isNegative() || timeout.isZero()
                || timeout.compareTo(WebSocketSettings.MAX_EVENT_TIMEOUT) > 0)) {
            throw new IllegalArgumentException("an event timeout is more than 0 and at most 7 days, got " + timeout);
        }
        hub.setFor(loop.id()).eventTimeout = timeout;
    }

    @Override
    public Duration eventTimeout() {
        checkThread();
        return hub.eventTimeout(hub.existing(loop.id()));
    }

    /** A new event starts: what it sends is counted afresh (see {@link #hold}). */
    /** An event of this activation starts. */
    public void eventStarting() {
        sentThisEvent.clear();
    }

    void send(SocketEntry e, String text) {
        checkThread();
        if (text == null) {
            throw new IllegalArgumentException("cannot send null; send an empty string instead");
        }
        int bytes = SocketHub.utf8Length(text);
        checkSize(bytes);
        hold(e, bytes);
        loop.afterCommit(() -> e.sendText(text, bytes));
    }

    void send(SocketEntry e, byte[] data) {
        checkThread();
        if (data == null) {
            throw new IllegalArgumentException("cannot send null; send an empty array instead");
        }
        checkSize(data.length);
        hold(e, data.length);
        byte[] copy = data.clone(); // the caller may reuse its array before the commit
        loop.afterCommit(() -> e.sendBinary(copy));
    }

    private void checkSize(int bytes) {
        if (bytes > hub.settings.maxMessageSize()) {
            throw new IllegalArgumentException("message of " + bytes + " bytes; at most " + hub.settings.maxMessageSize()
                    + " (cairn.websockets.max-message-size)");
        }
    }

    /**
     * Counts a send against the socket's outbound bound, per event. The outbox holds sends until the
     * commit and then hands them all to the socket in one go, far faster than a network takes them, so
     * more than the bound from one event would almost surely close even a fast client as too slow
     * (1008) after the commit, and until then would sit in memory without limit. Refusing the send here
     * is deterministic and says why. As at the socket ({@link SocketEntry}), one larger message
     * passes on its own.
     */
    private void hold(SocketEntry e, int bytes) {
        long held = sentThisEvent.merge(e, (long) bytes, Long::sum);
        int max = hub.settings.maxOutboundBuffer();
        if (held > max && held != bytes) {
            sentThisEvent.merge(e, (long) -bytes, Long::sum);
            throw new IllegalStateException("sends of " + held + " bytes to one socket in one event; at most " + max
                    + " (cairn.websockets.max-outbound-buffer)");
        }
    }

    void close(SocketEntry e, int code, String reason) {
        checkThread();
        String r = reason == null ? "" : reason;
        if (!(code == 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999))) {
            throw new IllegalArgumentException("close code " + code + " is not allowed; use 1000, 1001-1003, 1007-1014 or 3000-4999");
        }
        int bytes = SocketHub.utf8Length(r);
        if (bytes > 123) {
            throw new IllegalArgumentException("close reason of " + bytes + " UTF-8 bytes; the protocol allows at most 123");
        }
        if (e.isOpen()) {
            new SocketTable(loop.database()).closed(e.id);
        }
        loop.afterCommit(() -> e.closeByObject(code, r));
    }

    void serializeAttachment(SocketEntry e, Object value) {
        checkThread();
        ValueCodec.Encoded encoded = encodeAttachment(value);
        if (e.isOpen()) { // a closed socket's row is gone; keep it gone
            new SocketTable(loop.database()).attachment(e.id, hub.bootId, e.tags, encoded);
        }
        boolean had = uncommitted.containsKey(e);
        ValueCodec.Encoded previous = uncommitted.get(e);
        ValueCodec.Encoded preview = encoded == null ? REMOVED : encoded;
        uncommitted.put(e, preview);
        loop.afterCommit(new AfterCommit() {
            @Override
            public void committed() {
                e.attachment = encoded;
                uncommitted.remove(e, preview);
            }

            @Override
            public void discarded() {
                if (had) {
                    uncommitted.put(e, previous);
                } else {
                    uncommitted.remove(e);
                }
            }
        });
    }

    <T> T deserializeAttachment(SocketEntry e, Class<T> type) {
        checkThread();
        if (type == null) {
            throw new IllegalArgumentException("type may not be null; use Object.class for the JSON shape");
        }
        ValueCodec.Encoded a = uncommitted.containsKey(e) ? uncommitted.get(e) : e.attachment;
        if (a == null || a == REMOVED) {
            return null;
        }
        try {
            return hub.codec.decode("attachment of socket " + e.id, a.kind(), a.data(), type);
        } catch (StorageException ex) {
            throw new IllegalArgumentException(ex.getMessage(), ex);
        }
    }

    /** Encodes an attachment like a key-value value, within the size bound; null stays null. */
    ValueCodec.Encoded encodeAttachment(Object value) {
        if (value == null) {
            return null;
        }
        ValueCodec.Encoded encoded;
        try {
            encoded = hub.codec.encode("attachment", value);
        } catch (StorageException ex) {
            throw new IllegalArgumentException("attachment: a " + value.getClass().getName() + " cannot be stored as JSON: "
                    + (ex.getCause() != null ? ex.getCause().getMessage() : ex.getMessage()), ex);
        }
        if (encoded.data().length > hub.settings.maxAttachmentSize()) {
            throw new IllegalArgumentException("attachment of " + encoded.data().length + " bytes encoded; at most "
                    + hub.settings.maxAttachmentSize() + " (cairn.websockets.max-attachment-size)");
        }
        return encoded;
    }

    private SocketEntry own(ObjectSocket socket) {
        if (socket instanceof ObjectSocketHandle h && h.entry.objectId.equals(loop.id())) {
            return h.entry;
        }
        throw new IllegalArgumentException("not a socket of this object: " + socket);
    }

    private void checkThread() {
        if (!loop.onOwnThread()) {
            throw new IllegalStateException("sockets of " + loop.id().namespace() + "/" + loop.id().name().orElse(loop.id().toString())
                    + " used outside the object's own thread; use them only while an event runs");
        }
    }
}
