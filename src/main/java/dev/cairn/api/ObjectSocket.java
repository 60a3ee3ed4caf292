package dev.cairn.api;

import java.util.List;

/**
 * One accepted WebSocket of an object. The handle is valid across events and hibernation (two
 * handles of one socket are equal); use it only on the object's own thread, while an event runs.
 *
 * <p>Sends and closes are held back until the current event's writes are committed (output gate)
 * and dropped if the event fails. A socket that closed meanwhile ignores them.
 */
public interface ObjectSocket {

    /** An id unique on this node, stable for the socket's life. */
    String id();

    /** The tags given when it was accepted. */
    List<String> tags();

    /** Whether it is still open (as of this event). */
    boolean isOpen();

    /**
     * Sends a text message after the event commits.
     *
     * @throws IllegalArgumentException when longer than {@code cairn.websockets.max-message-size} UTF-8 bytes
     * @throws IllegalStateException when this event's sends to this socket would exceed
     *         {@code cairn.websockets.max-outbound-buffer} bytes (one larger message alone is allowed)
     */
    void send(String text);

    /**
     * Sends a binary message (copied now) after the event commits.
     *
     * @throws IllegalArgumentException when longer than {@code cairn.websockets.max-message-size} bytes
     * @throws IllegalStateException when this event's sends to this socket would exceed
     *         {@code cairn.websockets.max-outbound-buffer} bytes (one larger message alone is allowed)
     */
    void send(byte[] data);

    /** Closes with 1000 (normal closure). */
    default void close() {
        close(1000, "");
    }

    /**
     * Closes after the event commits; the object gets no {@code onClose} for it.
     *
     * @param code   1000, 1001 to 1003, 1007 to 1014, or 3000 to 4999
     * @param reason at most 123 UTF-8 bytes (the protocol's limit), may be empty
     * @throws IllegalArgumentException for any other code or a longer reason
     */
    void close(int code, String reason);

    /**
     * Stores a per-socket value: {@code byte[]} as is, anything else as JSON (like key-value values),
     * at most {@code cairn.websockets.max-attachment-size} bytes encoded (16 KiB); null removes it. It is
     * written with the event's commit (rolled back if the event fails) and survives hibernation and
     * instance resets, for the life of the socket.
     */
    void serializeAttachment(Object value);

    /** The attachment read as {@code type} ({@code byte[]}, a record, {@code Map}, …), or null when none. */
    <T> T deserializeAttachment(Class<T> type);
}
