package dev.cairn.sockets;

/** What went wrong on a socket's connection, as the WebSocket adapter classifies it. Immutable. */
public sealed interface TransportError {
    /** The connection dropped without a close frame. */
    record Dropped() implements TransportError {}

    /** A message over the size limit arrived. */
    record TooBig(Throwable cause) implements TransportError {}

    /** The peer broke the protocol; the frame decoder stopped reading. */
    record ProtocolViolation(Throwable cause) implements TransportError {}

    /** Anything else the transport reported. */
    record Other(Throwable cause) implements TransportError {}
}
