package dev.cairn.replication.commits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storage.AlarmChange;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class CommitBatchesTest {
    private static final Duration COMMIT_WAIT = Duration.ofSeconds(5);
    private static final int MAX_ENTRY_BYTES = 10_000;

    /** One entry Ratis was given: its commits, and its answer, completed by the test. */
    private record Appended(List<Entry> commits, CompletableFuture<Void> answer) {
        List<Long> sequences() {
            return commits.stream().map(Entry::sequence).toList();
        }
    }

    /** Time moved by the test; tasks due run as it moves. */
    private static final class FakeClock implements CommitBatches.Clock {
        private long now;
        private final List<Map.Entry<Long, Runnable>> tasks = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void after(long nanos, Runnable task) {
            tasks.add(Map.entry(now + nanos, task));
        }

        void advance(Duration d) {
            now += d.toNanos();
            List<Map.Entry<Long, Runnable>> due = tasks.stream().filter(t -> t.getKey() <= now).toList();
            tasks.removeAll(due);
            due.forEach(t -> t.getValue().run());
        }
    }

    private final List<Appended> log = new ArrayList<>();
    private final Map<Long, Throwable> withdrawn = new LinkedHashMap<>();
    private final FakeClock clock = new FakeClock();
    private final CommitBatches batches = new CommitBatches(commits -> {
        var answer = new CompletableFuture<Void>();
        log.add(new Appended(List.copyOf(commits), answer));
        return answer;
    }, (commit, shipment, failure) -> withdrawn.put(shipment.sequence(), failure), clock, COMMIT_WAIT, MAX_ENTRY_BYTES);
    private long sequence;

    private Shipments.Shipment commit(int walBytes) {
        long n = ++sequence;
        var shipment = new Shipments.Shipment(1, n, new CompletableFuture<>());
        batches.commit(Entry.wal(1, n, "counter/0a/" + "0a".repeat(32) + ".sqlite", 0, new byte[walBytes], AlarmChange.UNCHANGED), shipment);
        return shipment;
    }

    @Test
    void anIdleGroupSendsACommitAtOnce() {
        commit(100);

        assertEquals(List.of(List.of(1L)), log.stream().map(Appended::sequences).toList());
    }

    @Test
    void commitsArrivingWhileAnEntryIsInFlightShareTheNextEntry() {
        commit(100);
        commit(100);
        commit(100);
        commit(100);
        assertEquals(1, log.size(), "one in flight; three wait");

        log.get(0).answer().complete(null);

        assertEquals(List.of(2L, 3L, 4L), log.get(1).sequences());
        assertTrue(withdrawn.isEmpty());
    }

    @Test
    void anEntryHoldsCommitsUpToTheLimitInOrderAndALargerCommitGoesAlone() {
        commit(100);
        commit(4_000);
        commit(4_000);
        commit(4_000);
        commit(20_000);

        log.get(0).answer().complete(null);
        assertEquals(List.of(2L, 3L), log.get(1).sequences());
        log.get(1).answer().complete(null);
        assertEquals(List.of(4L), log.get(2).sequences());
        log.get(2).answer().complete(null);
        assertEquals(List.of(5L), log.get(3).sequences());
    }

    @Test
    void aConfirmationRidesWithTheWaitingCommitsAndHoldsOnlyOnceTheirEntryIsApplied() {
        commit(100);
        CompletableFuture<Void> confirmed = batches.confirm();
        commit(100);
        assertFalse(confirmed.isDone(), "an entry appended before the reads confirms nothing");

        log.get(0).answer().complete(null);
        assertEquals(List.of(2L), log.get(1).sequences());
        assertFalse(confirmed.isDone());

        log.get(1).answer().complete(null);
        assertTrue(confirmed.isDone() && !confirmed.isCompletedExceptionally());
    }

    @Test
    void aConfirmationAloneIsAnEmptyEntryAndFailsWithIt() {
        CompletableFuture<Void> confirmed = batches.confirm();
        assertEquals(List.of(), log.getFirst().commits());

        log.getFirst().answer().completeExceptionally(new IOException("not the leader"));

        assertTrue(confirmed.isCompletedExceptionally());
    }

    @Test
    void theCommitsOfAFailedEntryAreWithdrawnAndTheNextEntryIsSent() {
        commit(100);
        commit(100);
        IOException lost = new IOException("leadership lost");

        log.get(0).answer().completeExceptionally(lost);

        assertEquals(Map.of(1L, lost), withdrawn);
        assertEquals(List.of(2L), log.get(1).sequences());
    }

    @Test
    void anEntryNotAppliedWithinTheCommitWaitOfItsOldestCommitIsWithdrawnAndALateAnswerChangesNothing() {
        commit(100);
        clock.advance(Duration.ofSeconds(2));
        commit(100);
        clock.advance(Duration.ofSeconds(3));

        assertEquals(List.of(1L), List.copyOf(withdrawn.keySet()));
        assertInstanceOf(TimeoutException.class, withdrawn.get(1L));
        assertEquals(List.of(2L), log.get(1).sequences(), "sent when the first timed out, 3 s after it came: 2 s left");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, withdrawn.size());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(1L, 2L), List.copyOf(withdrawn.keySet()));

        log.get(0).answer().complete(null);
        assertEquals(2, withdrawn.size());
        commit(100);
        assertEquals(List.of(3L), log.get(2).sequences(), "the timed-out entries no longer count as in flight");
    }

    @Test
    void aHandOverStartsOnceNothingIsInFlightAndHoldsWhatComesUntilItEnds() {
        commit(100);
        CompletableFuture<Void> drained = batches.hold();
        commit(100);
        assertFalse(drained.isDone());

        log.get(0).answer().complete(null);
        assertTrue(drained.isDone());
        assertEquals(1, log.size(), "held while the leadership moves");

        batches.release(CommitBatches.AfterHandOver.SEND, null);
        assertEquals(List.of(2L), log.get(1).sequences());
    }

    @Test
    void whatWaitedForAHandOverThatMovedTheLeadershipIsRefusedUnsent() {
        assertTrue(batches.hold().isDone(), "nothing in flight");
        commit(100);
        CompletableFuture<Void> confirmed = batches.confirm();
        IllegalStateException moved = new IllegalStateException("handed over");

        batches.release(CommitBatches.AfterHandOver.REFUSE, moved);

        assertEquals(List.of(), log);
        assertEquals(Map.of(1L, moved), withdrawn);
        assertTrue(confirmed.isCompletedExceptionally());
    }
}
