package dev.cairn.websocket;

import dev.cairn.service.CairnConfig;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.inject.Singleton;

/**
 * Sets Vert.x' WebSocket size limits from {@code cairn.websockets.max-message-size}.
 *
 * <p>Why the frame limit is twice the message limit: Vert.x handles the two differently. A message
 * over its message limit (in one frame or several) is reported to Cairn, which closes the socket
 * with 1009 and a reason. A single frame over the frame limit instead fails Netty's frame decoder,
 * and Vert.x then drops the connection at once (the client sees 1006, Cairn cannot answer). With
 * frames allowed up to twice the message limit, every message up to that size gets a proper 1009;
 * only a single frame larger than twice the limit is dropped. The frame limit also bounds what one
 * connection may buffer while a frame arrives. Stateless.
 */
@Singleton
final class SocketServerOptions implements HttpServerOptionsCustomizer {
    private final int maxMessage;

    SocketServerOptions(CairnConfig config) {
        this.maxMessage = config.websockets().maxMessageSize();
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        apply(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        apply(options);
    }

    private void apply(HttpServerOptions options) {
        options.setMaxWebSocketMessageSize(maxMessage);
        options.setMaxWebSocketFrameSize((int) Math.min(Integer.MAX_VALUE, 2L * maxMessage));
    }
}
