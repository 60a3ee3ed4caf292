package dev.cairn.alarms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Alarmed;
import dev.cairn.Scratch;
import dev.cairn.api.AlarmAfterAbort;
import dev.cairn.api.AlarmInfo;
import dev.cairn.api.ObjectException;
import dev.cairn.api.PendingAlarm;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alarms: one per object, persisted with the call that sets it, fired as an event, retried with
 * exponential backoff, dropped after the last retry. The clock is moved by hand and alarms are fired
 * with {@code fireDueAlarms()}, so the whole backoff schedule runs without waiting.
 */
class AlarmTest {
    /** nextDouble() is exactly 0.5: every retry delay gets half the maximum jitter, 12.5 %. */
    static final RandomGenerator HALF = () -> Long.MIN_VALUE;
    /** Where the clock of the alarm tests starts. */
    static final Instant START = Instant.parse("2026-11-22T12:00:00Z");

    final AlarmCounts counts = new AlarmCounts();
    /**
     * Namespaces {@code scratch} and {@code alarmed}, a fresh data directory per test; alarms fire only
     * when the test asks, and objects are evicted only when the test says (no housekeeping pass of its own).
     */
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder()
            .namespace("scratch", Scratch.class)
            .namespace("alarmed", Alarmed.class)
            .property("cairn.objects.housekeeping-interval", "1h")
            .clockAt(START)
            .random(HALF)
            .meters(names -> counts)
            .freshPerTest()
            .build();

    @BeforeEach
    void forgetAttempts() {
        Alarmed.ATTEMPTS.clear();
        Alarmed.BEHAVIOUR.clear();
        Alarmed.CONSTRUCTIONS.clear();
        Alarmed.FAIL_NEXT_CONSTRUCTION.clear();
    }

    private Stub<Alarmed> object(String name) {
        return cairn.get(Alarmed.class, name);
    }

    private Instant now() {
        return cairn.clock().instant();
    }

    private void fireDue() {
        cairn.fireDueAlarms();
    }

    private AlarmScheduler alarms() {
        return cairn.node().alarms();
    }

    private static Optional<Instant> alarmOf(Stub<Alarmed> o) {
        return o.call(a -> a.ctx.storage().getAlarm());
    }

    private List<AlarmInfo> attempts(String name) {
        return Alarmed.ATTEMPTS.getOrDefault(name, List.of());
    }

    /** A connection of the test's own to the node's alarm index, as a crash or an operator would leave it. */
    private Connection indexConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + cairn.dataDir().resolve("alarm-index.sqlite"));
    }

    private void indexSql(String sql) throws SQLException {
        try (var c = indexConnection(); var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void anObjectHasOneAlarmThatCanBeReadReplacedAndDeleted() {
        var o = object("one");
        assertEquals(Optional.empty(), alarmOf(o));
        Instant first = now().plusSeconds(60);
        Instant second = now().plusSeconds(30);
        o.call(a -> { a.ctx.storage().setAlarm(first); return null; });
        assertEquals(Optional.of(first.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)), alarmOf(o));
        o.call(a -> { a.ctx.storage().setAlarm(second); return null; });
        assertEquals(Optional.of(second.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)), alarmOf(o));
        assertEquals(List.of(second.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)),
                alarms().pending(Optional.empty(), 10).stream().map(PendingAlarm::scheduledTime).toList());
        o.call(a -> { a.ctx.storage().deleteAlarm(); return null; });
        assertEquals(Optional.empty(), alarmOf(o));
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10));
    }

    @Test
    void anObjectWithoutAnAlarmHandlerCannotSetAnAlarm() {
        var scratch = cairn.get(Scratch.class, "no-handler");
        var e = assertThrows(ObjectException.class, () -> scratch.call(s -> { s.ctx.storage().setAlarm(now()); return null; }));
        assertTrue(e.getMessage().contains("Scratch cannot set an alarm: it does not implement dev.cairn.api.AlarmHandler"),
                e.getMessage());
    }

    @Test
    void anAlarmSetByACallThatFailsIsNotSet() {
        var o = object("rolled-back");
        assertThrows(ObjectException.class, () -> o.call(a -> {
            a.ctx.storage().setAlarm(now().plusSeconds(5));
            throw new IllegalStateException("changed my mind");
        }));
        assertEquals(Optional.empty(), alarmOf(o));
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10));
    }

    @Test
    void anAlarmFiresOnceWhenItsTimeComesAndNotBefore() throws Exception {
        var o = object("due");
        Instant at = now().plusSeconds(10).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        o.call(a -> { a.ctx.storage().setAlarm(at); return null; });
        fireDue();
        assertEquals(List.of(), attempts("due"));
        cairn.clock().advance(Duration.ofSeconds(10));
        fireDue();
        fireDue();
        assertEquals(List.of(new AlarmInfo(at, 0)), attempts("due"));
        assertFalse(attempts("due").getFirst().isRetry());
        assertEquals(1L, (long) o.call(Alarmed::runs));
        assertEquals(Optional.empty(), alarmOf(o), "a successful run deletes the alarm");
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10));
    }

    @Test
    void anAlarmInThePastFiresAtOnce() throws Exception {
        var o = object("late");
        o.call(a -> { a.ctx.storage().setAlarm(now().minusSeconds(3600)); return null; });
        fireDue();
        assertEquals(1, attempts("late").size());
    }

    @Test
    void aHandlerThatSetsANewAlarmKeepsIt() throws Exception {
        var o = object("repeat");
        Alarmed.BEHAVIOUR.put("repeat", (self, info) -> self.ctx.storage().setAlarm(info.scheduledTime().plusSeconds(60)));
        Instant at = now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        o.call(a -> { a.ctx.storage().setAlarm(at); return null; });
        fireDue();
        assertEquals(Optional.of(at.plusSeconds(60)), alarmOf(o));
        cairn.clock().advance(Duration.ofSeconds(61));
        fireDue();
        assertEquals(List.of(new AlarmInfo(at, 0), new AlarmInfo(at.plusSeconds(60), 0)), attempts("repeat"));
        assertEquals(Optional.of(at.plusSeconds(120)), alarmOf(o));
    }

    @Test
    void firingActivatesAnEvictedObject() throws Exception {
        var o = object("sleeper");
        o.call(a -> { a.ctx.storage().setAlarm(now().plusSeconds(60)); return null; });
        cairn.passIdleTimeout();
        assertEquals(0, cairn.node().activeCount());
        cairn.clock().advanceTo(START.plusSeconds(60));
        fireDue();
        assertEquals(1, attempts("sleeper").size());
        assertEquals(2, Alarmed.CONSTRUCTIONS.get("sleeper").get(), "the alarm re-created the instance");
    }

    @Test
    void aFailingHandlerRollsBackAndIsRetriedWithExponentialBackoffThenDropped() throws Exception {
        var o = object("flaky");
        Alarmed.BEHAVIOUR.put("flaky", (self, info) -> {
            self.ctx.storage().put("written-by-failed-run", info.retryCount());
            throw new IllegalStateException("downstream unavailable (attempt " + (info.retryCount() + 1) + ")");
        });
        Instant at = now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        o.call(a -> { a.ctx.storage().setAlarm(at); return null; });
        fireDue();
        List<Long> delays = new ArrayList<>();
        for (int retry = 1; retry <= 6; retry++) {
            PendingAlarm p = alarms().pending(Optional.of("alarmed"), 10).getFirst();
            assertEquals(at, p.scheduledTime(), "the scheduled time stays the original one");
            assertEquals(retry, p.retryCount());
            assertEquals(Optional.of("downstream unavailable (attempt " + retry + ")"), p.lastError());
            assertEquals(Optional.of(at), alarmOf(o), "getAlarm still returns the original time during retries");
            long delay = p.nextAttempt().toEpochMilli() - cairn.clock().millis();
            delays.add(delay);
            cairn.clock().advance(Duration.ofMillis(delay - 1));
            fireDue();
            assertEquals(retry, attempts("flaky").size(), "no retry before its time");
            cairn.clock().advance(Duration.ofMillis(1));
            fireDue();
            assertEquals(retry + 1, attempts("flaky").size());
        }
        // 2 s doubling, plus half of the 25 % jitter (the test's random source always gives 0.5).
        long[] expected = {2_250, 4_500, 9_000, 18_000, 36_000, 72_000};
        for (int i = 0; i < expected.length; i++) {
            long d = delays.get(i);
            assertEquals(expected[i], d, "delay before retry " + (i + 1));
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), attempts("flaky").stream().map(AlarmInfo::retryCount).toList());
        assertTrue(attempts("flaky").subList(1, 7).stream().allMatch(AlarmInfo::isRetry));
        assertEquals(Optional.empty(), alarmOf(o), "dropped after the sixth retry");
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10));
        assertEquals(1, counts.outcomes("dropped"));
        assertEquals(6, counts.outcomes("retried"));
        assertEquals(0, counts.outcomes("succeeded"));
        assertEquals(0L, (long) o.call(Alarmed::runs), "every failed run was rolled back");
        assertNull(o.call(a -> a.ctx.storage().get("written-by-failed-run")));
    }

    @Test
    void aHandlerThatAbortsRollsBackAndIsRetriedLikeOneThatThrows() throws Exception {
        var o = object("aborting");
        Alarmed.BEHAVIOUR.put("aborting", (self, info) -> {
            if (info.retryCount() == 0) {
                self.ctx.abort("the ledger looks inconsistent");
            }
        });
        o.call(a -> { a.ctx.storage().setAlarm(now()); return null; });
        fireDue();
        PendingAlarm p = alarms().pending(Optional.of("alarmed"), 10).getFirst();
        assertEquals(1, p.retryCount());
        assertEquals(Optional.of("the ledger looks inconsistent"), p.lastError());
        assertEquals(0L, (long) o.call(Alarmed::runs), "the aborted run was rolled back");
        cairn.clock().advance(Duration.ofMillis(p.nextAttempt().toEpochMilli() - cairn.clock().millis()));
        fireDue();
        assertEquals(List.of(0, 1), attempts("aborting").stream().map(AlarmInfo::retryCount).toList());
        assertEquals(1L, (long) o.call(Alarmed::runs), "the retry ran and committed");
        assertEquals(Optional.empty(), alarmOf(o));
    }

    @Test
    void aHandlerPastItsTimeLimitIsRetriedLikeOneThatThrows() throws Exception {
        var o = object("slow-handler");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Alarmed.BEHAVIOUR.put("slow-handler", (self, info) -> {
            if (info.retryCount() == 0) {
                started.countDown();
                release.await();
            }
        });
        o.call(a -> { a.ctx.storage().setAlarm(now()); return null; });
        var firing = alarms().fireDue();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        cairn.clock().advance(Duration.ofSeconds(31)); // cairn.objects.event-timeout: 30 s
        cairn.sweep();
        firing.get(10, TimeUnit.SECONDS); // settled by the time-out, while the handler still runs
        PendingAlarm p = alarms().pending(Optional.of("alarmed"), 10).getFirst();
        assertEquals(1, p.retryCount());
        assertTrue(p.lastError().orElseThrow().contains("ran past its time limit of 30000 ms"), p.lastError().toString());
        release.countDown();
        assertEquals(0L, (long) o.call(Alarmed::runs), "the timed-out run was rolled back once it returned");
        cairn.clock().advance(Duration.ofMillis(p.nextAttempt().toEpochMilli() - cairn.clock().millis()));
        fireDue();
        assertEquals(1L, (long) o.call(Alarmed::runs), "the retry ran and committed");
        assertEquals(Optional.empty(), alarmOf(o));
    }

    @Test
    void aHandlerThatAbortsSayingDropIsNotRetriedAndItsAlarmIsDeleted() throws Exception {
        var o = object("giving-up");
        Alarmed.BEHAVIOUR.put("giving-up", (self, info) -> self.ctx.abort("nothing left to do", AlarmAfterAbort.DROP));
        o.call(a -> { a.ctx.storage().setAlarm(now()); return null; });
        fireDue();
        assertEquals(Optional.empty(), alarmOf(o), "deleted, not retried");
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10));
        cairn.clock().advance(Duration.ofHours(1));
        fireDue();
        assertEquals(1, attempts("giving-up").size());
        assertEquals(0L, (long) o.call(Alarmed::runs), "the aborted run was rolled back");
        assertEquals(1, counts.outcomes("dropped"));
        assertEquals(0, counts.outcomes("retried"));
    }

    @Test
    void aRetryThatSucceedsSeesHowManyAttemptsCameBefore() throws Exception {
        var o = object("second-time");
        Alarmed.BEHAVIOUR.put("second-time", (self, info) -> {
            if (info.retryCount() < 2) {
                throw new IllegalStateException("not yet");
            }
        });
        o.call(a -> { a.ctx.storage().setAlarm(now()); return null; });
        fireDue();
        cairn.clock().advance(Duration.ofSeconds(3));
        fireDue();
        cairn.clock().advance(Duration.ofSeconds(5));
        fireDue();
        assertEquals(List.of(0, 1, 2), attempts("second-time").stream().map(AlarmInfo::retryCount).toList());
        assertEquals(1L, (long) o.call(Alarmed::runs));
        assertEquals(Optional.empty(), alarmOf(o));
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10));
    }

    @Test
    void deletingTheAlarmDuringRetriesStopsThem() throws Exception {
        var o = object("stop-it");
        Alarmed.BEHAVIOUR.put("stop-it", (self, info) -> { throw new IllegalStateException("always"); });
        o.call(a -> { a.ctx.storage().setAlarm(now()); return null; });
        fireDue();
        o.call(a -> { a.ctx.storage().deleteAlarm(); return null; });
        cairn.clock().advance(Duration.ofMinutes(10));
        fireDue();
        assertEquals(1, attempts("stop-it").size());
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10));
    }

    @Test
    void settingANewAlarmDuringRetriesStartsAfresh() throws Exception {
        var o = object("fresh");
        Alarmed.BEHAVIOUR.put("fresh", (self, info) -> {
            if (info.scheduledTime().isBefore(Instant.ofEpochMilli(1))) {
                return;
            }
            throw new IllegalStateException("fails until replaced");
        });
        o.call(a -> { a.ctx.storage().setAlarm(now()); return null; });
        fireDue();
        Alarmed.BEHAVIOUR.remove("fresh");
        Instant next = now().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        o.call(a -> { a.ctx.storage().setAlarm(next); return null; });
        assertEquals(0, alarms().pending(Optional.empty(), 10).getFirst().retryCount());
        cairn.clock().advance(Duration.ofSeconds(1));
        fireDue();
        assertEquals(new AlarmInfo(next, 0), attempts("fresh").getLast());
        assertEquals(Optional.empty(), alarmOf(o));
    }

    @Test
    void deleteAllDeletesTheAlarm() throws Exception {
        var o = object("wipe");
        o.call(a -> { a.ctx.storage().setAlarm(now().plusSeconds(5)); return null; });
        o.call(a -> { a.ctx.storage().deleteAll(); return null; });
        assertEquals(Optional.empty(), alarmOf(o));
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10));
        cairn.clock().advance(Duration.ofSeconds(5));
        fireDue();
        assertEquals(List.of(), attempts("wipe"));
    }

    @Test
    void runNowFiresAPendingAlarmWhateverItsTime() {
        var o = object("now");
        assertFalse(cairn.runAlarm(o), "no alarm: nothing ran");
        Instant at = now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        o.call(a -> { a.ctx.storage().setAlarm(at); return null; });
        assertTrue(cairn.runAlarm(o));
        assertEquals(List.of(new AlarmInfo(at, 0)), attempts("now"));
        assertEquals(Optional.empty(), alarmOf(o));
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10));
    }

    @Test
    void runNowThrowsWhatTheHandlerThrewAndTheAlarmIsRetried() {
        var o = object("now-failing");
        Alarmed.BEHAVIOUR.put("now-failing", (self, info) -> { throw new IllegalStateException("boom"); });
        o.call(a -> { a.ctx.storage().setAlarm(now().plusSeconds(30)); return null; });
        var e = assertThrows(ObjectException.class, () -> cairn.runAlarm(o));
        assertEquals("boom", e.getMessage());
        PendingAlarm p = alarms().pending(Optional.empty(), 10).getFirst();
        assertEquals(1, p.retryCount());
        assertEquals(Optional.of("boom"), p.lastError());
    }

    @Test
    void pendingAlarmsAreListedSoonestFirstWithTheirNames() {
        object("later").call(a -> { a.ctx.storage().setAlarm(now().plusSeconds(20)); return null; });
        object("sooner").call(a -> { a.ctx.storage().setAlarm(now().plusSeconds(10)); return null; });
        var pending = alarms().pending(Optional.of("alarmed"), 10);
        assertEquals(List.of(Optional.of("sooner"), Optional.of("later")), pending.stream().map(p -> p.id().name()).toList());
        assertEquals(1, alarms().pending(Optional.empty(), 1).size());
        assertEquals(List.of(), alarms().pending(Optional.of("scratch"), 10));
    }

    @Test
    void alarmsSurviveARestart() throws Exception {
        Instant at = now().plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        object("durable").call(a -> { a.ctx.storage().setAlarm(at); return null; });
        cairn.restart();
        assertEquals(at, alarms().pending(Optional.empty(), 10).getFirst().scheduledTime());
        cairn.clock().advance(Duration.ofSeconds(30));
        fireDue();
        assertEquals(List.of(new AlarmInfo(at, 0)), attempts("durable"));
    }

    @Test
    void afterACrashTheIndexFollowsWhatTheObjectCommitted() throws Exception {
        Instant at = now().plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        object("committed").call(a -> { a.ctx.storage().setAlarm(at); return null; });
        object("never-committed").call(a -> { a.ctx.storage().setAlarm(at); return null; });
        object("never-committed").call(a -> { a.ctx.storage().deleteAlarm(); return null; });
        cairn.stop();
        // What a crash between the intent and the confirmation leaves: dirty rows saying something else.
        String ns = "alarmed";
        try (var c = indexConnection();
                var st = c.prepareStatement("INSERT OR REPLACE INTO alarms (namespace, object_id, name, scheduled_ms, due_ms,"
                        + " attempts, dirty) VALUES (?, ?, ?, ?, ?, 0, 1)")) {
            for (var name : List.of("committed", "never-committed")) {
                var id = cairn.namespace(Alarmed.class).idFromName(name);
                st.setString(1, ns);
                st.setString(2, id.toString());
                st.setString(3, name);
                st.setLong(4, at.toEpochMilli() + 5_000);
                st.setLong(5, at.toEpochMilli() + 5_000);
                st.executeUpdate();
            }
        }
        cairn.restart();
        var pending = alarms().pending(Optional.empty(), 10);
        assertEquals(1, pending.size(), pending.toString());
        assertEquals(Optional.of("committed"), pending.getFirst().id().name());
        assertEquals(at, pending.getFirst().scheduledTime(), "the object's own record wins");
    }

    @Test
    void anAlarmFoundFromTheObjectsFileAloneFiresUnderTheNameItWasSetUnder() throws Exception {
        Instant at = now().plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        object("failed-over").call(a -> { a.ctx.storage().setAlarm(at); return null; });
        cairn.stop();
        // A new leader of the object's Raft group has the object's file but no index row of it.
        indexSql("DELETE FROM alarms");
        cairn.restart();
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10));

        cairn.node().alarms().groups().takeOver(0, id -> true, () -> cairn.node().storedIds(id -> true)).join();
        var pending = alarms().pending(Optional.empty(), 10);
        assertEquals(1, pending.size(), pending.toString());
        assertEquals(Optional.of("failed-over"), pending.getFirst().id().name());
        cairn.clock().advance(Duration.ofSeconds(30));
        fireDue();
        assertEquals(List.of(new AlarmInfo(at, 0)), attempts("failed-over"), "the handler saw the object's name");
    }

    @Test
    void aTakeoverCheckThatFailsIsTriedAgainAtTheNextScan() throws Exception {
        Instant at = now().plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        object("checked-late").call(a -> { a.ctx.storage().setAlarm(at); return null; });
        cairn.stop();
        indexSql("DELETE FROM alarms");
        cairn.restart();
        String id = cairn.namespace(Alarmed.class).idFromName("checked-late").toString();
        Alarmed.FAIL_NEXT_CONSTRUCTION.add(id);

        cairn.node().alarms().groups().takeOver(0, any -> true, () -> cairn.node().storedIds(any -> true)).join(); // the checks, then a scan
        assertEquals(2, Alarmed.CONSTRUCTIONS.get(id).get(), "the first check failed, the scan after it checked again");
        assertEquals(List.of(at), alarms().pending(Optional.empty(), 10).stream().map(PendingAlarm::scheduledTime).toList());
    }

    @Test
    void aDeletionWhoseConfirmationNeverReachedTheIndexIsRepairedAtStartUp() throws Exception {
        var deleted = object("deleted");
        var wiped = object("wiped");
        var handled = object("handled");
        deleted.call(a -> { a.ctx.storage().setAlarm(now().plus(Duration.ofDays(1))); return null; });
        wiped.call(a -> { a.ctx.storage().setAlarm(now().plus(Duration.ofDays(1))); return null; });
        handled.call(a -> { a.ctx.storage().setAlarm(now()); return null; });
        // From here the index silently keeps every row it is told to delete: each confirmation of a
        // deletion is lost, as when the process dies right after the object's commit.
        indexSql("CREATE TRIGGER crash_before_confirmation BEFORE DELETE ON alarms BEGIN SELECT RAISE(IGNORE); END");
        deleted.call(a -> { a.ctx.storage().deleteAlarm(); return null; });
        wiped.call(a -> { a.ctx.storage().deleteAll(); return null; });
        fireDue();
        assertEquals(1, attempts("handled").size(), "the handler ran, and its commit deleted the alarm");
        for (var o : List.of(deleted, wiped, handled)) {
            assertEquals(Optional.empty(), alarmOf(o));
        }
        assertEquals(3, alarms().pending(Optional.empty(), 10).size(), "the crash left the three rows behind");
        indexSql("DROP TRIGGER crash_before_confirmation");
        cairn.restart();
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10), "start-up removed them: the objects' record wins");
        cairn.clock().advance(Duration.ofDays(1));
        fireDue();
        assertEquals(1, attempts("handled").size());
    }

    @Test
    void aStaleRowWithoutIntentIsListedUntilItsTimeThenRemovedWithoutRunningAnything() throws Exception {
        var o = object("stale");
        assertEquals(0L, (long) o.call(Alarmed::runs));
        // What only a lost index write can leave (durability relaxed and a power loss): a row the
        // object does not back, not marked for checking at start-up.
        long at = now().plusSeconds(60).toEpochMilli();
        indexSql("INSERT INTO alarms (namespace, object_id, name, scheduled_ms, due_ms, attempts, dirty)"
                + " VALUES ('alarmed', '" + o.id() + "', 'stale', " + at + ", " + at + ", 0, 0)");
        assertEquals(1, alarms().pending(Optional.empty(), 10).size());
        cairn.clock().advance(Duration.ofSeconds(60));
        fireDue();
        assertEquals(List.of(), attempts("stale"), "the object holds no alarm: nothing ran");
        assertEquals(List.of(), alarms().pending(Optional.empty(), 10));
    }

    @Test
    void aCallSentWhileTheHandlerRunsWaitsUntilTheHandlerHasFinished() throws Exception {
        var o = object("exclusive");
        var order = new CopyOnWriteArrayList<String>();
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Alarmed.BEHAVIOUR.put("exclusive", (self, info) -> {
            order.add("handler started");
            started.countDown();
            release.await();
            order.add("handler finished");
        });
        o.call(a -> { a.ctx.storage().setAlarm(now()); return null; });
        var firing = alarms().fireDue();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        var call = o.send(a -> order.add("call")).toCompletableFuture();
        assertEquals(1, cairn.node().queuedEvents(), "the call waits in the object's mailbox");
        assertFalse(call.isDone());
        release.countDown();
        call.get(10, TimeUnit.SECONDS);
        firing.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("handler started", "handler finished", "call"), order);
    }

    @Test
    void anAlarmEventLastInABatchOfSeveralLeavesTheNextBatchSound() throws Exception {
        var o = object("last-in-batch");
        o.call(a -> {
            a.ctx.storage().setAlarm(now().plus(Duration.ofMinutes(1)));
            return null;
        });
        // Hold the object so that a read and then the alarm event queue up and run as one batch.
        var holding = new CountDownLatch(1);
        var hold = new CountDownLatch(1);
        var holder = o.send(a -> {
            holding.countDown();
            hold.await();
            return 0L;
        });
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        cairn.clock().advance(Duration.ofMinutes(1)); // due now: fireDue sends it, behind the read
        var read = o.send(a -> a.ctx.storage().sql().exec("SELECT count(*) AS n FROM runs").one().getLong("n"));
        var fired = sendDueAlarmsUntilQueued(2);
        hold.countDown();
        holder.toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(0, (long) read.toCompletableFuture().get(10, TimeUnit.SECONDS), "the read ran first");
        fired.get(10, TimeUnit.SECONDS);

        // Before the fix, checking the alarm before the commit left a savepoint flag set that the
        // commit had ended: the next event failed with "no such savepoint".
        long runs = o.call(a -> a.ctx.storage().sql().exec("SELECT count(*) AS n FROM runs").one().getLong("n"));
        assertEquals(1, runs);
        assertEquals(Optional.empty(), alarmOf(o), "the handler returned: its alarm was deleted");
    }

    /**
     * Sends due alarm events until {@code n} events are queued behind the running one (the only
     * active object here): the index records a new alarm time after the commit, so the first scan
     * may not see it yet. A second send of an alarm in flight is a no-op.
     */
    private CompletableFuture<Void> sendDueAlarmsUntilQueued(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        CompletableFuture<Void> fired = alarms().fireDue();
        while (cairn.node().queuedEvents() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("events queued: " + cairn.node().queuedEvents() + ", expected " + n);
            }
            fired = alarms().fireDue();
        }
        return fired;
    }

    /** The same node with its alarm timer running, as in the service: nothing is fired by hand. */
    @Nested
    class WithTheTimer {
        @RegisterExtension
        final CairnTestKit timed = CairnTestKit.builder()
                .namespace("alarmed", Alarmed.class)
                .property("cairn.alarms.timer", "true")
                .clockAt(START)
                .random(HALF)
                .freshPerTest()
                .build();

        @Test
        void anAlarmFiresOnItsOwnOnceTheClockReachesItsTime() throws Exception {
            var fired = new CompletableFuture<Long>();
            Alarmed.BEHAVIOUR.put("timed", (self, info) -> fired.complete(timed.clock().millis() - info.scheduledTime().toEpochMilli()));
            Instant at = timed.clock().instant().plusMillis(300);
            timed.get(Alarmed.class, "timed").call(a -> { a.ctx.storage().setAlarm(at); return null; });
            timed.clock().advanceTo(at);
            long lag = fired.get(10, TimeUnit.SECONDS);
            assertTrue(lag >= 0 && lag < 1_000, "fired " + lag + " ms after its time");
        }
    }
}
