package dev.cairn.service.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.ReadOnlyDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readiness probe of the data directory against real directories the kernel refuses writes to. */
class DataDirProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void aWritableDirectoryIsReadyAndKeepsNoProbeFile() throws Exception {
        var probe = new DataDirProbe(dir, TIMEOUT);
        assertEquals(Optional.empty(), probe.problem());
        assertEquals(Optional.empty(), probe.problem());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "the probe file was deleted");
        }
    }

    @Test
    void aReadOnlyDirectoryIsNotReady() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        assumeTrue(ReadOnlyDirs.make(data), "this machine can make a directory read-only");
        try {
            var problem = new DataDirProbe(data, TIMEOUT).problem();
            assertTrue(problem.isPresent() && problem.get().startsWith("cannot write to " + data.toAbsolutePath()), problem.toString());
        } finally {
            ReadOnlyDirs.restore(data);
        }
        assertEquals(Optional.empty(), new DataDirProbe(data, TIMEOUT).problem(), "ready again once writable");
    }

    @Test
    void aDirectoryTheKernelRefusesWritesToIsNotReady() {
        // sysfs takes no new files, not even from root: a refusal that holds on any Linux machine.
        var problem = new DataDirProbe(Path.of("/sys"), TIMEOUT).problem();
        assertTrue(problem.isPresent() && problem.get().startsWith("cannot write to /sys: "), problem.toString());
    }

    @Test
    void aRefusedWriteIsToldApartFromASlowOne() throws Exception {
        // A leader hands its groups away only for a refusal (OwnDataDir): a slow disk is no reason to move them.
        assertEquals(DataDirProbe.Kind.REFUSED, new DataDirProbe(Path.of("/sys"), TIMEOUT).check().orElseThrow().kind());
        var release = new CountDownLatch(1);
        var slow = new DataDirProbe(dir, Duration.ofMillis(100), d -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals(DataDirProbe.Kind.SLOW, slow.check().orElseThrow().kind());
        release.countDown();
    }

    @Test
    void aMissingDirectoryOrAFileInItsPlaceIsNotReady() throws Exception {
        assertTrue(new DataDirProbe(dir.resolve("gone"), TIMEOUT).problem().isPresent());
        Path file = Files.writeString(dir.resolve("file"), "not a directory");
        assertTrue(new DataDirProbe(file, TIMEOUT).problem().orElseThrow().contains("cannot write to"));
    }

    @Test
    void aProbeBlockedInTheFileSystemTimesOutAndIsNotPiledUpon() throws Exception {
        var release = new CountDownLatch(1);
        var blocked = new AtomicReference<Thread>();
        var probe = new DataDirProbe(dir, Duration.ofMillis(100), d -> {
            blocked.compareAndSet(null, Thread.currentThread());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals(Optional.of("writing a file to " + dir.toAbsolutePath() + " took longer than 100 ms"), probe.problem());
        assertEquals(Optional.of("an earlier probe of " + dir.toAbsolutePath() + " is still blocked in the file system"),
                probe.problem());
        release.countDown();
        assertTrue(blocked.get().join(Duration.ofSeconds(5)), "the blocked probe returns once the file system answers");
        assertEquals(Optional.empty(), probe.problem(), "ready once the file system answers again");
    }
}
