package dev.cairn.api;

/**
 * Implemented by object classes that accept hibernatable WebSockets at
 * {@code ws://…/objects/{namespace}/{name}/ws} (or {@code /ids/{namespace}/{id}/ws}).
 *
 * <p>Every method runs as one event of the object, through its mailbox like a call: one event at a
 * time, its storage writes commit when it returns (roll back if it throws), and whatever it sends
 * to sockets leaves only after that commit (the output gate). Events of one socket arrive in the
 * order the client sent them: open, messages, then close.
 *
 * <p>The sockets stay open while the object hibernates: after the idle timeout with no event in
 * flight the instance is dropped, and the next message constructs it again before it is delivered.
 * Keep per-socket state in the socket's attachment ({@link ObjectSocket#serializeAttachment}), not in
 * fields, and find the sockets again with {@link ObjectContext#sockets()}.
 *
 * <p>A handler that throws resets the instance (fields dropped), its writes roll back, what it sent
 * is discarded, and the socket of the event is closed with 1011 and the exception's message.
 */
public interface WebSocketHandler {

    /**
     * Decides whether a client may connect: {@link UpgradeDecision#accept()} (optionally with tags
     * and an initial attachment) or {@link UpgradeDecision#reject(int, String)} (the client gets that
     * HTTP status and reason). The socket is not open yet; {@link #onOpen} follows once it is.
     */
    UpgradeDecision onUpgrade(UpgradeRequest request) throws Exception;

    /** The socket is open and listed by {@link ObjectSockets}; sends to it now reach the client. */
    default void onOpen(ObjectSocket socket) throws Exception {}

    /** A text message (at most {@code cairn.websockets.max-message-size} bytes). */
    default void onMessage(ObjectSocket socket, String message) throws Exception {}

    /** A binary message (at most {@code cairn.websockets.max-message-size} bytes). */
    default void onMessage(ObjectSocket socket, byte[] message) throws Exception {}

    /**
     * The socket closed, by the client, by the network ({@code wasClean} false, code 1006) or by
     * Cairn (a bound was exceeded, the service stops). Not called for a close the object asked for
     * itself. When the client sent a close frame, Cairn has already answered it with the same code,
     * so the handshake is complete; {@link ObjectSocket#close} here is harmless and does nothing.
     */
    default void onClose(ObjectSocket socket, int code, String reason, boolean wasClean) throws Exception {}

    /** A protocol or transport error on the socket (for example an oversized message, then closed with 1009). */
    default void onError(ObjectSocket socket, Throwable error) throws Exception {}
}
