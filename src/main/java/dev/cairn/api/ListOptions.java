package dev.cairn.api;

/**
 * Which key-value entries {@link Storage#list} returns. Keys compare by their UTF-8 bytes.
 * Build with {@link #all()} and the {@code with} methods, e.g.
 * {@code ListOptions.all().withPrefix("user:").withLimit(10)}. Immutable.
 *
 * @param prefix only keys starting with it ({@code null}: any)
 * @param start only keys at or after it (inclusive)
 * @param startAfter only keys after it (exclusive); not together with {@code start}
 * @param end only keys before it (exclusive)
 * @param reverse descending order; {@code limit} then keeps the last keys
 * @param limit at most this many entries, {@code 0} for no limit
 */
public record ListOptions(String prefix, String start, String startAfter, String end, boolean reverse, int limit) {

    public ListOptions {
        if (start != null && startAfter != null) {
            throw new StorageException("list: give start or startAfter, not both");
        }
        if (limit < 0) {
            throw new StorageException("list: limit must be positive (or 0 for no limit), got " + limit);
        }
    }

    /** Every entry, ascending. */
    public static ListOptions all() {
        return new ListOptions(null, null, null, null, false, 0);
    }

    public ListOptions withPrefix(String p) {
        return new ListOptions(p, start, startAfter, end, reverse, limit);
    }

    public ListOptions withStart(String s) {
        return new ListOptions(prefix, s, startAfter, end, reverse, limit);
    }

    public ListOptions withStartAfter(String s) {
        return new ListOptions(prefix, start, s, end, reverse, limit);
    }

    public ListOptions withEnd(String e) {
        return new ListOptions(prefix, start, startAfter, e, reverse, limit);
    }

    public ListOptions withReverse(boolean r) {
        return new ListOptions(prefix, start, startAfter, end, r, limit);
    }

    public ListOptions withLimit(int l) {
        return new ListOptions(prefix, start, startAfter, end, reverse, l);
    }
}
