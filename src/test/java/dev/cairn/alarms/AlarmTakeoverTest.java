package dev.cairn.alarms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.ObjectId;
import dev.cairn.api.PendingAlarm;
import dev.cairn.storage.AlarmChange;
import dev.cairn.storage.Durability;
import dev.cairn.testing.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * In a cluster, the alarm index of a node holds the alarms of every group it replicates, learnt from
 * the replicated log: the node that takes a group over arms its alarms without activating its objects,
 * and fires only the alarms of groups it leads.
 */
class AlarmTakeoverTest {
    private static final int GROUP = 3;

    @TempDir
    Path dir;
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final Objects objects = new Objects();
    private AlarmIndex index;
    private AlarmScheduler alarms;

    /** The objects of this node, each with its own alarm, and which of them run here (their group's leader is this node). */
    private static final class Objects implements AlarmTargets {
        final Map<ObjectId, Long> alarmOf = new ConcurrentHashMap<>();
        final Set<ObjectId> runHere = ConcurrentHashMap.newKeySet();
        final List<ObjectId> checked = new ArrayList<>();
        final List<ObjectId> ran = new ArrayList<>();
        AlarmHooks commits;

        @Override
        public synchronized CompletableFuture<Object> send(ObjectId id, AlarmWork work) {
            if (!runHere.contains(id)) {
                return CompletableFuture.failedFuture(new IllegalStateException(id + " does not run here"));
            }
            Long at = alarmOf.get(id);
            return CompletableFuture.completedFuture(switch (work) {
                case AlarmWork.Check c -> {
                    checked.add(id);
                    yield new AlarmWork.Checked(at == null ? OptionalLong.empty() : OptionalLong.of(at), id.name());
                }
                case AlarmWork.Run r -> {
                    // The handler ran, and its event's commit deleted the alarm, as an object's would.
                    ran.add(id);
                    alarmOf.remove(id);
                    commits.beforeCommit(id, OptionalLong.empty()).join();
                    commits.afterCommit(id, OptionalLong.empty());
                    yield new AlarmOutcome.Ran(at);
                }
                case AlarmWork.Drop d -> null;
            });
        }

        @Override
        public ObjectId idFromIndex(String namespace, String hex, String name) {
            return new ObjectId(namespace, hex, name, null);
        }

        @Override
        public boolean runsHere(ObjectId id) {
            return runHere.contains(id);
        }

        @Override
        public void requireNamespace(String namespace) {}
    }

    @BeforeEach
    void start() {
        SQLiteDataSource data = new SQLiteDataSource();
        data.setUrl("jdbc:sqlite:" + dir.resolve("alarm-index.sqlite"));
        index = new AlarmIndex(data, Durability.FULL);
        alarms = new AlarmScheduler(objects, index, new AlarmSettings(Duration.ofSeconds(1), 3, 0, Duration.ofSeconds(5), false),
                clock, new Random(1), new AlarmMeters() {
                    @Override
                    public void started(long lateMillis) {}

                    @Override
                    public void succeeded() {}

                    @Override
                    public void retried() {}

                    @Override
                    public void dropped() {}
                });
        objects.commits = alarms;
        alarms.start();
    }

    @AfterEach
    void stop() {
        alarms.stop();
        index.close();
        alarms.close();
    }

    private static ObjectId object(String name) {
        return new ObjectId("reminder", String.format("%064x", name.hashCode() & 0xffffffffL), name, null);
    }

    /** A commit of {@code id}, led by another node, replicated here: the object's file has the alarm, and the index is told. */
    private void replicatedAlarm(ObjectId id, Instant at) {
        objects.alarmOf.put(id, at.toEpochMilli());
        alarms.groups().replicated(id, new AlarmChange.Set(at.toEpochMilli(), id.name()));
    }

    private List<String> pendingNames() {
        return alarms.pending(Optional.empty(), 100).stream().map(p -> p.id().name().orElseThrow()).toList();
    }

    @Test
    void aGroupWhoseAlarmsAreKnownIsTakenOverWithoutActivatingItsObjects() {
        alarms.groups().fromLogStart(GROUP);
        ObjectId soon = object("soon");
        ObjectId later = object("later");
        replicatedAlarm(soon, clock.instant().plusSeconds(1));
        replicatedAlarm(later, clock.instant().plusSeconds(60));
        alarms.groups().flushed();
        assertEquals(List.of(), pendingNames(), "the alarms of a group led elsewhere are not listed here");

        objects.runHere.addAll(List.of(soon, later));
        alarms.groups().takeOver(GROUP, id -> true, () -> List.of(soon, later)).join();

        assertEquals(List.of(), objects.checked, "no object was activated to find its alarm");
        assertEquals(List.of("soon", "later"), pendingNames());
        clock.advance(Duration.ofSeconds(1));
        alarms.fireDue().join();
        assertEquals(List.of(soon), objects.ran, "the alarm fired at its time, under its name");
        assertEquals(List.of("later"), pendingNames());
    }

    @Test
    void aReplicatedDeletionRemovesTheAlarm() {
        alarms.groups().fromLogStart(GROUP);
        ObjectId id = object("deleted");
        replicatedAlarm(id, clock.instant().plusSeconds(1));
        objects.alarmOf.remove(id);
        alarms.groups().replicated(id, AlarmChange.DELETED);
        objects.runHere.add(id);

        alarms.groups().takeOver(GROUP, any -> true, () -> List.of(id)).join();
        clock.advance(Duration.ofSeconds(5));
        alarms.fireDue().join();

        assertEquals(List.of(), pendingNames());
        assertEquals(List.of(), objects.ran);
    }

    @Test
    void aGroupWhoseAlarmsAreUnknownIsCheckedObjectByObjectOnceThenKnown() {
        ObjectId fromSnapshot = object("from-snapshot");
        objects.alarmOf.put(fromSnapshot, clock.instant().plusSeconds(10).toEpochMilli()); // in the file, never told to the index
        alarms.groups().fromLogStart(GROUP);
        alarms.groups().unknown(GROUP); // a snapshot was installed
        objects.runHere.add(fromSnapshot);

        alarms.groups().takeOver(GROUP, any -> true, () -> List.of(fromSnapshot)).join();
        assertEquals(List.of(fromSnapshot), objects.checked, "every stored object of the group was checked");
        assertEquals(List.of("from-snapshot"), pendingNames());

        alarms.groups().takeOver(GROUP, any -> true, () -> List.of(fromSnapshot)).join();
        assertEquals(List.of(fromSnapshot), objects.checked, "the group is known now: the next takeover checks nothing");
    }

    @Test
    void aGroupIsUnknownUntilATakeoverCheckedEveryObject() {
        ObjectId ok = object("ok");
        ObjectId gone = object("gone-meanwhile");
        objects.runHere.add(ok); // the other one's group moved on before its check

        alarms.groups().takeOver(GROUP, any -> true, () -> List.of(ok, gone)).join();
        alarms.groups().takeOver(GROUP, any -> true, () -> List.of(ok, gone)).join();

        assertEquals(List.of(ok, ok), objects.checked, "a check failed, so the second takeover checked everything again");
    }

    @Test
    void aKnownGroupsAlarmWhoseCommitWasUnderWayHereIsCheckedAtTheTakeover() {
        alarms.groups().fromLogStart(GROUP);
        ObjectId id = object("rolled-back");
        objects.runHere.add(id);
        // As the group's leader, this node recorded an intent; the commit then failed (the leadership was lost) and was undone.
        alarms.beforeCommit(id, OptionalLong.of(clock.instant().plusSeconds(30).toEpochMilli())).join();
        objects.runHere.remove(id);
        alarms.commitFailed(id);

        objects.runHere.add(id);
        alarms.groups().takeOver(GROUP, any -> true, () -> List.of(id)).join();

        assertEquals(List.of(id), objects.checked);
        assertEquals(List.of(), pendingNames(), "the object's own record (no alarm) won");
    }

    @Test
    void aDueAlarmOfAGroupLedElsewhereIsNeitherFiredNorForgotten() {
        alarms.groups().fromLogStart(GROUP);
        ObjectId id = object("led-elsewhere");
        replicatedAlarm(id, clock.instant());
        clock.advance(Duration.ofSeconds(10));

        alarms.fireDue().join();
        assertEquals(List.of(), objects.ran, "its leader fires it");

        objects.runHere.add(id);
        alarms.groups().takeOver(GROUP, any -> true, () -> List.of(id)).join();
        alarms.fireDue().join();
        assertEquals(List.of(id), objects.ran, "the row stayed: the new leader fires it");
        assertTrue(pendingNames().isEmpty());
    }

    @Test
    void whetherAGroupIsKnownSurvivesARestartOfTheIndex() {
        alarms.groups().fromLogStart(GROUP);
        ObjectId id = object("after-restart");
        replicatedAlarm(id, clock.instant().plusSeconds(30));
        alarms.groups().flushed();
        stop();
        start();
        objects.runHere.add(id);

        alarms.groups().takeOver(GROUP, any -> true, () -> List.of(id)).join();

        assertEquals(List.of(), objects.checked);
        assertEquals(List.of(Instant.parse("2026-12-05T10:00:30Z")),
                alarms.pending(Optional.empty(), 10).stream().map(PendingAlarm::scheduledTime).toList());
    }
}
