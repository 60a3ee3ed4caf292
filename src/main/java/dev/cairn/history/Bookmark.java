package dev.cairn.history;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A point in one object's history: its state at {@code timeMillis}, which its commit number
 * {@code commit} made (at that time or before); {@code object} tells one object's bookmarks from another's (the start of its id).
 * Written as fixed-width hex fields, time first, so that bookmarks sort as text in time order (commits
 * of one object never go back in time: see {@link ObjectHistory}). Immutable.
 */
record Bookmark(long timeMillis, long commit, String object) {
    private static final Pattern TEXT = Pattern.compile("[0-9a-f]{16}-[0-9a-f]{16}-[0-9a-f]{8}");
    static final String EXAMPLE = "0000019a8f3c2e10-000000000000002a-5d1c07e2";

    static Bookmark parse(String text) {
        if (text == null || !TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a bookmark: a bookmark is groups of 16, 16 and 8 lowercase hex"
                    + " digits joined by '-', like " + EXAMPLE + ", as getCurrentBookmark or getBookmarkForTime return it");
        }
        return new Bookmark(Long.parseUnsignedLong(text.substring(0, 16), 16), Long.parseUnsignedLong(text.substring(17, 33), 16),
                text.substring(34));
    }

    /** The tag of the object stored in {@code databaseFile}: the first 8 hex digits of its id (the file's name). */
    static String objectOf(java.nio.file.Path databaseFile) {
        String name = databaseFile.getFileName().toString();
        return name.length() >= 8 && name.substring(0, 8).matches("[0-9a-f]{8}") ? name.substring(0, 8)
                : "%08x".formatted(name.hashCode());
    }

    Instant time() {
        return Instant.ofEpochMilli(timeMillis);
    }

    @Override
    public String toString() {
        return "%016x-%016x-%s".formatted(timeMillis, commit, object);
    }
}
