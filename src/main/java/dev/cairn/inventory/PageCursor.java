package dev.cairn.inventory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where the next page of a listing starts, handed to clients as an opaque string: the sort key of the
 * last object of the page. A listing without a name prefix is ordered by id, one with a prefix by name
 * then id, so a cursor names its order and is refused by the other.
 */
sealed interface PageCursor {
    /** After the object with this id, in id order. */
    record AfterId(String id) implements PageCursor {}

    /** After the object with this name and id, in name order. */
    record AfterName(String name, String id) implements PageCursor {}

    static String encode(PageCursor cursor) {
        String key = switch (cursor) {
            case AfterId a -> "i\n" + a.id();
            case AfterName a -> "n\n" + a.id() + "\n" + a.name();
        };
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when {@code cursor} is not one a listing returned, or one of a listing ordered otherwise */
    static PageCursor decode(String cursor, boolean byName) {
        String key;
        try {
            key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw notACursor(cursor);
        }
        String[] parts = key.split("\n", 3);
        PageCursor decoded = switch (parts[0]) {
            case "i" -> parts.length == 2 && isId(parts[1]) ? new AfterId(parts[1]) : null;
            case "n" -> parts.length == 3 && isId(parts[1]) ? new AfterName(parts[2], parts[1]) : null;
            default -> null;
        };
        if (decoded == null) {
            throw notACursor(cursor);
        }
        if ((decoded instanceof AfterName) != byName) {
            throw new IllegalArgumentException("cursor belongs to a listing " + (byName ? "without" : "with")
                    + " a name prefix; pass the same prefix as the listing that returned it");
        }
        return decoded;
    }

    static Optional<PageCursor> decode(Optional<String> cursor, boolean byName) {
        return cursor.map(c -> decode(c, byName));
    }

    private static boolean isId(String s) {
        return s.length() == 64 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    private static IllegalArgumentException notACursor(String cursor) {
        return new IllegalArgumentException("cursor '" + (cursor.length() > 80 ? cursor.substring(0, 80) + "…" : cursor)
                + "' is not one this listing returned: pass the nextCursor of the previous page unchanged, or none for the first page");
    }
}
