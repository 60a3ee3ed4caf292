package dev.cairn.history;

import java.time.Instant;

/**
 * One object's point-in-time recovery, with Cloudflare's meaning: bookmarks are strings that sort in
 * time order; a restore takes effect when the object's database next opens. Used on the object's
 * thread while its database is open.
 */
public interface Bookmarks {
    /** The bookmark of the object's last committed state. */
    String current();

    /** The bookmark of the last state committed at or before {@code time}; refused past the window, in the future, or before the kept history. */
    String forTime(Instant time);

    /**
     * Restores the object to {@code bookmark} when its database next opens; returns the bookmark of its
     * state now, to undo the restore with. Refused for a bookmark that is not a point of its kept history.
     */
    String restoreOnNextStart(String bookmark);
}
