package dev.cairn.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** What a fetch handler answers; sent back to the HTTP client unchanged. */
public record FetchResponse(int status, Map<String, List<String>> headers, byte[] body) {

    /** A {@code text/plain; charset=utf-8} response. */
    public static FetchResponse text(int status, String body) {
        return new FetchResponse(status, Map.of("content-type", List.of("text/plain; charset=utf-8")),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
