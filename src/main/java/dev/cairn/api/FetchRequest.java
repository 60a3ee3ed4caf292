package dev.cairn.api;

import java.util.List;
import java.util.Map;

/**
 * Raw HTTP as received.
 *
 * @param method  upper-case HTTP method
 * @param path    the path below {@code fetch} as sent (percent-encoding kept), starting with {@code /}
 * @param query   the raw query string without {@code ?}, empty when none
 * @param headers header names in lower case, values in order received
 * @param body    the request body, empty when none
 */
public record FetchRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
