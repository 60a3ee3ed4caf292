package dev.cairn.replication.commits;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A file whose withdrawn commit may still commit is held back until every such commit of it is decided. */
class UndecidedCommitsTest {
    private static final String FILE = "counter/3b/3b7f.sqlite";
    private static final String OTHER = "counter/07/07aa.sqlite";

    @Test
    void aFileIsHeldBackUntilEachOfItsUndecidedCommitsIsApplied() {
        UndecidedCommits undecided = new UndecidedCommits();
        undecided.mayStillCommit(7, FILE);
        undecided.mayStillCommit(8, FILE);
        assertTrue(undecided.holdsBack(FILE));
        assertFalse(undecided.holdsBack(OTHER), "other files open as usual");

        undecided.decided(7);
        assertTrue(undecided.holdsBack(FILE), "commit 8 is still undecided");
        undecided.decided(8);
        assertFalse(undecided.holdsBack(FILE));
    }

    @Test
    void leadingAgainWithEveryEarlierEntryAppliedDecidesEverything() {
        UndecidedCommits undecided = new UndecidedCommits();
        undecided.mayStillCommit(1, FILE);
        undecided.mayStillCommit(2, OTHER);
        undecided.allDecided();
        assertFalse(undecided.holdsBack(FILE));
        assertFalse(undecided.holdsBack(OTHER));
    }
}
