package dev.cairn.replication.commits;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One group's commits that this leader gave up waiting for (its caller was told {@code
 * commit-uncertain}) while their entries may still commit, with their files. Such a file is rolled
 * back when it closes and must not be opened again before its entry is decided: a commit made
 * meanwhile would be computed without that entry's pages, follow it in the log, and every replica
 * would apply both, a mix of pages no single transaction wrote. An entry is decided when it is applied
 * here (its pages are then written into the file like another leader's), or when this node is a ready
 * leader again (every entry of an earlier term is then applied, or gone from the log). Thread-safe:
 * Ratis's reply threads and timers withdraw, the group's apply thread and notifications decide,
 * object threads ask.
 */
public final class UndecidedCommits {
    /** File (relative to the data directory) by shipment sequence. */
    private final ConcurrentHashMap<Long, String> files = new ConcurrentHashMap<>();

    /** The shipment {@code sequence} of {@code file} is being withdrawn while its entry may still commit. */
    void mayStillCommit(long sequence, String file) {
        files.put(sequence, file);
    }

    /** The entry of shipment {@code sequence} was applied here (or the shipment was not withdrawn after all). */
    public void decided(long sequence) {
        files.remove(sequence);
    }

    /** This node leads the group again with every earlier entry applied: nothing from before is undecided. */
    public void allDecided() {
        files.clear();
    }

    /** Whether {@code file} waits for the fate of an earlier commit before it may be opened. */
    public boolean holdsBack(String file) {
        return !files.isEmpty() && files.containsValue(file);
    }
}
