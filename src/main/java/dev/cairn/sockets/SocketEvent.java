package dev.cairn.sockets;

import dev.cairn.api.UpgradeRequest;

/** What happens on a socket, as an event of its object (run by {@link SocketHub#handle}). Immutable. */
public sealed interface SocketEvent {
    /** A client asks to connect: the object decides ({@link dev.cairn.api.WebSocketHandler#onUpgrade}). */
    record Upgrade(UpgradeRequest request) implements SocketEvent {}

    /** The accepted socket is open. */
    record Open(SocketEntry entry) implements SocketEvent {}

    /** The socket opened while its object was at its socket limit: it was closed, its row goes. */
    record Refused(SocketEntry entry) implements SocketEvent {}

    record Text(SocketEntry entry, String message) implements SocketEvent {}

    record Binary(SocketEntry entry, byte[] message) implements SocketEvent {}

    record Error(SocketEntry entry, Throwable error) implements SocketEvent {}

    /** The socket closed; {@code tellObject}: the object's onClose runs (not when the object closed it itself). */
    record Close(SocketEntry entry, int code, String reason, boolean clean, boolean tellObject) implements SocketEvent {}
}
