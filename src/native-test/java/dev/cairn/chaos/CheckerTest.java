package dev.cairn.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The checker's rules on hand-written histories (times in milliseconds of a made-up clock): what a
 * correct counter may answer passes, and each kind of violation is counted and shown with the
 * counter, the values and the nodes.
 */
class CheckerTest {
    private final History history = new History(() -> {
        throw new AssertionError("the checker reads the recorded times, never the clock");
    });

    private static long ms(long millis) {
        return millis * 1_000_000;
    }

    private void acked(String counter, long start, long end, long value, String node) {
        history.increment(counter, node, ms(start), ms(end), new Outcome.Acked(value, node));
    }

    private void failed(String counter, long start, long end) {
        history.increment(counter, "n1", ms(start), ms(end), new Outcome.Failed("503 owner-unreachable"));
    }

    private void unknown(String counter, long start, long end) {
        history.increment(counter, "n1", ms(start), ms(end), new Outcome.Unknown("timeout"));
    }

    private void read(String counter, long start, long end, long value, long ackedBefore) {
        history.read(counter, "n2", "n3", value, ms(start), ms(end), ackedBefore);
    }

    @Test
    void concurrentIncrementsInEitherOrderReadsOfOverlappingStateAndUnknownsWithinBoundsAreClean() {
        acked("a", 0, 10, 2, "n1");   // overlapping increments may take effect in either order
        acked("a", 1, 12, 1, "n1");
        read("a", 5, 20, 0, 0);        // overlaps both acknowledgements: may see neither
        unknown("a", 13, 2_013);       // maybe applied: the final value may or may not count it
        failed("a", 14, 15);
        acked("a", 20, 30, 4, "n2");   // the unknown one took 3
        read("a", 31, 32, 4, 3);
        history.finalValue("a", 4, "n2");
        acked("b", 0, 5, 1, "n3");
        history.finalValue("b", 1, "n3");

        Checker.Report report = Checker.check(history);

        assertTrue(report.clean(), report.toString());
        assertEquals(2, report.counters());
        assertEquals(4, report.acked());
        assertEquals(1, report.failed());
        assertEquals(1, report.unknown());
        assertEquals(2, report.reads());
        assertTrue(report.examples().isEmpty(), report.toString());
    }

    @Test
    void aValueAcknowledgedTwiceIsADuplicateNamingTheNodes() {
        acked("c", 0, 10, 1, "n1");
        acked("c", 20, 30, 2, "n1");
        acked("c", 25, 35, 2, "n3");   // a second instance on n3 committed from the same state
        history.finalValue("c", 3, "n3");

        Checker.Report report = Checker.check(history);

        assertEquals(1, report.duplicates(), report.toString());
        assertFalse(report.clean());
        assertTrue(report.examples().stream().anyMatch(e -> e.startsWith("duplicate: counter c: value 2 acknowledged 2 times")
                && e.contains("by n1") && e.contains("by n3")), report.toString());
    }

    @Test
    void aFinalValueBelowTheAcknowledgedIncrementsLosesThem() {
        acked("d", 0, 10, 1, "n1");
        acked("d", 20, 30, 2, "n1");
        acked("d", 40, 50, 3, "n1");   // then n1 failed over to a node that never had 3
        history.finalValue("d", 2, "n2");

        Checker.Report report = Checker.check(history);

        assertEquals(1, report.lost(), report.toString());
        assertEquals(0, report.duplicates());
        assertTrue(report.examples().contains("lost: counter d: final value 2 (read on n2) but 3 increments acknowledged, "
                + "acknowledged above it: 3 (by n1 at +0.050 s)"), report.toString());
    }

    @Test
    void anAcknowledgedValueAboveTheFinalOneIsLostEvenWhenTheCountStillFits() {
        acked("e", 0, 10, 5, "n1");    // four unknown increments came first
        unknown("e", 0, 2_000);
        unknown("e", 0, 2_000);
        unknown("e", 0, 2_000);
        unknown("e", 0, 2_000);
        history.finalValue("e", 3, "n2");

        Checker.Report report = Checker.check(history);

        assertEquals(1, report.lost(), report.toString());
    }

    @Test
    void aFinalValueAboveAcknowledgedPlusUnknownMeansAFailedIncrementWasApplied() {
        acked("f", 0, 10, 1, "n1");
        unknown("f", 20, 2_020);
        failed("f", 30, 31);
        history.finalValue("f", 3, "n1");

        Checker.Report report = Checker.check(history);

        assertEquals(1, report.phantom(), report.toString());
        assertTrue(report.examples().getFirst().startsWith("phantom: counter f: final value 3"), report.toString());
    }

    @Test
    void aReadBelowAValueAcknowledgedBeforeItWasSentIsStale() {
        acked("g", 0, 10, 1, "n1");
        acked("g", 20, 30, 2, "n1");
        read("g", 31, 40, 1, 2);       // 2 was acknowledged at 30: an old leader answered
        read("g", 25, 40, 1, 1);       // sent while 2 was in flight: not stale
        history.finalValue("g", 2, "n1");

        Checker.Report report = Checker.check(history);

        assertEquals(1, report.staleReads(), report.toString());
        assertEquals(0, report.staleIncrements());
        assertTrue(report.examples().contains("stale: counter g: read 1 via n2 (served by n3) at +0.031 s but 2 (by n1 at +0.030 s) "
                + "was acknowledged before it was sent"), report.toString());
    }

    @Test
    void aReadBelowTheCountOfIncrementsAcknowledgedBeforeItIsStaleEvenWithoutTheirValues() {
        acked("h", 0, 10, 1, "n1");
        acked("h", 0, 10, 1, "n2");    // a duplicate hides the second value
        read("h", 20, 30, 1, 2);
        history.finalValue("h", 2, "n1");

        Checker.Report report = Checker.check(history);

        assertEquals(1, report.staleReads(), report.toString());
        assertEquals(1, report.duplicates());
    }

    @Test
    void anIncrementSentAfterAnotherWasAcknowledgedMustAnswerAHigherValue() {
        acked("i", 0, 10, 1, "n1");
        acked("i", 20, 30, 2, "n1");
        acked("i", 40, 50, 2, "n2");   // a new leader without 2 counted 2 again
        history.finalValue("i", 2, "n2");

        Checker.Report report = Checker.check(history);

        assertEquals(1, report.staleIncrements(), report.toString());
        assertEquals(1, report.duplicates());
        assertEquals(1, report.lost(), "three acknowledged, final value 2");
        assertEquals(2, report.stale() + report.duplicates());
    }

    @Test
    void aCounterWithoutAFinalValueCannotBeCheckedAndSaysSo() {
        acked("j", 0, 10, 1, "n1");

        Checker.Report report = Checker.check(history);

        assertEquals(1, report.missingFinals());
        assertFalse(report.clean());
        assertEquals("missing: counter j: no final value was read", report.examples().getFirst());
    }
}
