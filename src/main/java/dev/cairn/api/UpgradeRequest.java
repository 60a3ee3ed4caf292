package dev.cairn.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A client's request to open a WebSocket, as received.
 *
 * @param path    the request path, e.g. {@code /objects/chat/lobby/ws}
 * @param query   the raw query string without {@code ?}, empty when none
 * @param headers header names in lower case, values in order received
 */
public record UpgradeRequest(String path, String query, Map<String, List<String>> headers) {

    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** The first value of a query parameter, percent-decoded ({@code +} is a space), or null. */
    public String queryParam(String name) {
        if (query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape is passed through as written
        }
    }
}
