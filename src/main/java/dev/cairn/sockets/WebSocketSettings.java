package dev.cairn.sockets;


import java.time.Duration;

/** The WebSocket bounds as plain values ({@code cairn.websockets.*}). */
public record WebSocketSettings(int maxSocketsPerObject, int maxMessageSize, int maxAttachmentSize, int maxOutboundBuffer,
        Duration eventTimeout) {
    /** Longest event timeout an object may ask for (Cloudflare's limit). */
    static final Duration MAX_EVENT_TIMEOUT = Duration.ofDays(7);

    /** Refuses settings that make no sense, naming every key at fault. */
    public WebSocketSettings {
        StringBuilder problems = new StringBuilder();
        if (maxSocketsPerObject < 1) {
            problems.append("\n  cairn.websockets.max-sockets-per-object: must be at least 1, got ").append(maxSocketsPerObject);
        }
        if (maxMessageSize < 125) {
            problems.append("\n  cairn.websockets.max-message-size: must be at least 125 bytes, got ").append(maxMessageSize);
        }
        if (maxAttachmentSize < 1) {
            problems.append("\n  cairn.websockets.max-attachment-size: must be at least 1 byte, got ").append(maxAttachmentSize);
        }
        if (maxOutboundBuffer < 1) {
            problems.append("\n  cairn.websockets.max-outbound-buffer: must be at least 1 byte, got ").append(maxOutboundBuffer);
        }
        if (eventTimeout.isNegative() || eventTimeout.isZero() || eventTimeout.compareTo(MAX_EVENT_TIMEOUT) > 0) {
            problems.append("\n  cairn.websockets.event-timeout: must be more than 0 and at most 7 days, got ").append(eventTimeout);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid WebSocket configuration:" + problems);
        }
    }
}
