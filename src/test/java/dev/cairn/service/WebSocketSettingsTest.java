package dev.cairn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** WebSocket bounds: Cloudflare's values by default (as the service reads its configuration), and a bad setting stops start-up naming its key. */
class WebSocketSettingsTest {
    @Test
    void theServiceDefaultsAreCloudflaresLimits() {
        var defaults = ConfiguredSettings.from(ConfiguredSettings.mapping(Map.of())).webSockets();
        assertEquals(32_768, defaults.maxSocketsPerObject());
        assertEquals(32 * 1024 * 1024, defaults.maxMessageSize());
        assertEquals(16 * 1024, defaults.maxAttachmentSize());
        assertEquals(1024 * 1024, defaults.maxOutboundBuffer());
        assertEquals(Duration.ofSeconds(30), defaults.eventTimeout(), "for objects that set no event timeout of their own");
    }

    @Test
    void everyBadSettingIsNamedWithWhatIsAllowed() {
        var config = ConfiguredSettings.mapping(Map.of(
                "cairn.websockets.max-sockets-per-object", "0",
                "cairn.websockets.max-message-size", "100",
                "cairn.websockets.max-attachment-size", "0",
                "cairn.websockets.max-outbound-buffer", "0",
                "cairn.websockets.event-timeout", "8d"));
        var e = assertThrows(IllegalStateException.class, () -> ConfiguredSettings.from(config));
        assertEquals("""
                invalid WebSocket configuration:
                  cairn.websockets.max-sockets-per-object: must be at least 1, got 0
                  cairn.websockets.max-message-size: must be at least 125 bytes, got 100
                  cairn.websockets.max-attachment-size: must be at least 1 byte, got 0
                  cairn.websockets.max-outbound-buffer: must be at least 1 byte, got 0
                  cairn.websockets.event-timeout: must be more than 0 and at most 7 days, got PT192H""", e.getMessage());
    }
}
