package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.ObjectId;
import dev.cairn.storage.AlarmChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member's start-up warm-up: Raft's part, then the objects', in one scratch directory that is removed after. */
class WarmUpTest {
    private static final long WAIT_SECONDS = 90;

    @TempDir
    Path temporary;

    /** Records the objects' part; the rest of a node's objects is not involved. */
    private static final class RecordedObjects implements RaftHost.GroupObjects {
        final List<String> warmUps = new ArrayList<>();

        @Override
        public void warmUp(Path scratch, Duration limit) {
            try (Stream<Path> inside = Files.list(scratch)) {
                warmUps.add(scratch.getFileName() + " holding " + inside.count() + " files, within " + limit);
            } catch (IOException e) {
                warmUps.add("unreadable " + scratch + ": " + e);
            }
        }

        @Override
        public CompletableFuture<Void> stop(Predicate<ObjectId> moved) {
            throw new AssertionError("a warm-up moves no object");
        }

        @Override
        public void serving(int group, Predicate<ObjectId> objects) {
            throw new AssertionError("a warm-up serves no group");
        }

        @Override
        public void alarmChanged(String file, AlarmChange change) {
            throw new AssertionError("a warm-up changes no alarm");
        }

        @Override
        public void alarmsUnknown(int group) {
            throw new AssertionError("a warm-up changes no alarm");
        }

        @Override
        public void alarmsFromLogStart(int group) {
            throw new AssertionError("a warm-up changes no alarm");
        }

        @Override
        public void alarmsFlushed() {
            throw new AssertionError("a warm-up changes no alarm");
        }
    }

    @Test
    void runsTheObjectsPartInAnEmptyDirectoryAfterRaftsThenRemovesEverything() throws Exception {
        RaftSettings settings = new RaftSettings(temporary.resolve("data"), 1000, Duration.ofSeconds(1), Duration.ofSeconds(3),
                Duration.ofSeconds(5), Duration.ofMinutes(2), 1 << 20, 5000, 2, 8 << 20);
        RecordedObjects objects = new RecordedObjects();

        WarmUp.start(settings, objects, temporary).get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertEquals(List.of("objects holding 0 files, within " + WarmUp.LIMIT), objects.warmUps);
        try (Stream<Path> left = Files.list(temporary)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("cairn-warm-up")), "the scratch directory is removed");
        }
    }
}
