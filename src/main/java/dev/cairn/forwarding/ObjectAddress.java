package dev.cairn.forwarding;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The object a request path addresses: {@code /objects/{namespace}/{name}/…} (by name),
 * {@code /ids/{namespace}/{id}/…} (by id) or {@code /admin/objects/{namespace}/{id}/…} (its admin
 * endpoints, by id). {@code POST /objects/{namespace}} (mint an id) addresses none. Immutable.
 */
record ObjectAddress(String namespace, By by, String key) {
    /** How the path names its object. */
    enum By {
        NAME,
        ID,
        /** The admin API's inspection, query, entries and deletion of one object. */
        ADMIN_ID
    }

    private static final Pattern PATH = Pattern.compile("^/(objects|ids|admin/objects)/([a-z][a-z0-9-]{0,62})/([^/]+)(?:/.*)?$");

    /** The object {@code rawPath} (still percent-encoded) addresses, if any; a name that does not decode addresses none. */
    static Optional<ObjectAddress> of(String rawPath) {
        Matcher m = PATH.matcher(rawPath);
        if (!m.matches()) {
            return Optional.empty();
        }
        By by = switch (m.group(1)) {
            case "objects" -> By.NAME;
            case "ids" -> By.ID;
            default -> By.ADMIN_ID;
        };
        try {
            // A path keeps '+' literal: only %XX sequences are decoded.
            String key = URLDecoder.decode(m.group(3).replace("+", "%2B"), StandardCharsets.UTF_8);
            return Optional.of(new ObjectAddress(m.group(2), by, key));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }
}
