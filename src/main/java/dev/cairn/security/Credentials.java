package dev.cairn.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/** What a request's {@code Authorization} header offers; parsing never fails, it says what was wrong instead. */
sealed interface Credentials {
    /** No {@code Authorization} header. */
    record None() implements Credentials {}

    /** {@code Basic base64(user:password)}. */
    record Basic(String user, char[] password) implements Credentials {}

    /** {@code Bearer <token>}. */
    record Bearer(String token) implements Credentials {}

    /** A header Cairn cannot use; {@code why} says what was wrong and what is allowed. */
    record Unusable(String why) implements Credentials {}

    static Credentials of(String header) {
        if (header == null || header.isBlank()) {
            return new None();
        }
        String text = header.strip();
        int space = text.indexOf(' ');
        String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        String value = space < 0 ? "" : text.substring(space + 1).strip();
        return switch (scheme) {
            case "basic" -> basic(value);
            case "bearer" -> value.isEmpty() ? new Unusable("the Authorization header's Bearer scheme carries no token") : new Bearer(value);
            default -> new Unusable("the Authorization header's scheme " + (space < 0 ? text : text.substring(0, space))
                    + " is not one Cairn accepts (Basic or Bearer)");
        };
    }

    private static Credentials basic(String value) {
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Unusable("the Authorization header's Basic credentials are not base64 of user:password");
        }
        int colon = pair.indexOf(':');
        if (colon < 0) {
            return new Unusable("the Authorization header's Basic credentials are not base64 of user:password (no colon)");
        }
        return new Basic(pair.substring(0, colon), pair.substring(colon + 1).toCharArray());
    }
}
