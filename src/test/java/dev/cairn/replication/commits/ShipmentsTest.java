package dev.cairn.replication.commits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShipmentsTest {
    private final Shipments shipments = new Shipments(99);

    @Test
    void anAppliedShipmentCompletesAndCannotBeWithdrawnAfterwards() {
        var s = shipments.start(100);
        assertTrue(shipments.applied(99, s.sequence()), "this process's pending shipment: its pages are in the file");
        assertTrue(s.applied().isDone() && !s.applied().isCompletedExceptionally());
        assertFalse(shipments.withdrawn(s, new RuntimeException("late failure")), "committed: nothing to roll back");
        assertEquals(100, shipments.shippedBytes());
    }

    @Test
    void aWithdrawnShipmentFailsAndItsEntryIfCommittedLaterIsWrittenLikeAnyOther() {
        var s = shipments.start(10);
        assertTrue(shipments.withdrawn(s, new RuntimeException("leader lost")));
        assertTrue(s.applied().isCompletedExceptionally());
        assertFalse(shipments.applied(99, s.sequence()), "a new leader committed it: the file must get its pages");
        assertEquals(1, shipments.withdrawn());
    }

    @Test
    void entriesOfAnotherProcessAreNeverThisOnes() {
        var s = shipments.start(1);
        assertFalse(shipments.applied(98, s.sequence()), "same sequence, earlier run of the node");
        assertTrue(shipments.applied(99, s.sequence()));
    }
}
