package dev.cairn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** WebSocket bounds: Cloudflare's values by default (as the service reads its configuration), and a bad setting stops start-up naming its key. */
class WebSocketSettingsTest {
    private static CairnConfig.WebSocketsConfig config(int sockets, int message, int attachment, int outbound, Duration timeout) {
        return new CairnConfig.WebSocketsConfig() {
            @Override
            public int maxSocketsPerObject() {
                return sockets;
            }

            @Override
            public int maxMessageSize() {
                return message;
            }

            @Override
            public int maxAttachmentSize() {
                return attachment;
            }

            @Override
            public int maxOutboundBuffer() {
                return outbound;
            }

            @Override
            public Duration eventTimeout() {
                return timeout;
            }
        };
    }

    @Test
    void theServiceDefaultsAreCloudflaresLimits() {
        var defaults = WebSocketSettings.from(EngineHarness.defaultConfig().websockets());
        assertEquals(32_768, defaults.maxSocketsPerObject());
        assertEquals(32 * 1024 * 1024, defaults.maxMessageSize());
        assertEquals(16 * 1024, defaults.maxAttachmentSize());
        assertEquals(1024 * 1024, defaults.maxOutboundBuffer());
        assertEquals(Duration.ofSeconds(30), defaults.eventTimeout(), "for objects that set no event timeout of their own");
    }

    @Test
    void everyBadSettingIsNamedWithWhatIsAllowed() {
        var e = assertThrows(IllegalStateException.class,
                () -> WebSocketSettings.from(config(0, 100, 0, 0, Duration.ofDays(8))));
        assertEquals("""
                invalid WebSocket configuration:
                  cairn.websockets.max-sockets-per-object: must be at least 1, got 0
                  cairn.websockets.max-message-size: must be at least 125 bytes, got 100
                  cairn.websockets.max-attachment-size: must be at least 1 byte, got 0
                  cairn.websockets.max-outbound-buffer: must be at least 1 byte, got 0
                  cairn.websockets.event-timeout: must be more than 0 and at most 7 days, got PT192H""", e.getMessage());
    }
}
