package dev.cairn.sockets;

/** One socket's network connection, as the WebSocket adapter of the service provides it. Thread-safe. */
public interface Connection {
    /** Queues {@code text} for sending; {@code written} runs once the network took it (or failed to). */
    void sendText(String text, Runnable written);

    /** Queues {@code data} for sending; {@code written} runs once the network took it (or failed to). */
    void sendBinary(byte[] data, Runnable written);

    /** Sends a close frame with {@code code} and {@code reason} (at most 123 UTF-8 bytes). */
    void close(int code, String reason);
}
