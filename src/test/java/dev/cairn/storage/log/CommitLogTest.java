package dev.cairn.storage.log;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.ListOptions;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability {@code full} through the node's commit log. A machine crash is simulated on a copy of
 * the data directory taken while the node runs: each WAL is cut back to what was fsynced (or to
 * nothing), as a power loss would leave it, while the commit log, fsynced before every reply, is
 * copied whole. The next node started on that copy must see every acknowledged write; the same copy
 * without the log shows that the cut really lost them. The log is read on disk ({@code <data-dir>/commit-log/}).
 */
class CommitLogTest {
    private static final int OBJECTS = 8;
    private static final int WRITES = 30;

    /**
     * A fresh data directory per test, durability {@code full}. Segments are closed only when full
     * (64 MB by default), not by age: a closed segment's WALs are fsynced and the segment deleted, so
     * the crash copies below, which cut each WAL to what the test knows fsynced, must find every
     * record of the test still in the log.
     */
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder()
            .namespace("scratch", Scratch.class)
            .property("cairn.storage.durability", "full")
            .property("cairn.storage.commit-log.flush-interval", "1h")
            .freshPerTest()
            .build();

    @TempDir
    Path crashed;
    @TempDir
    Path crashedWithoutLog;

    private Stub<Scratch> object(String name) {
        return cairn.get(Scratch.class, name);
    }

    @Test
    void aMachineCrashThatLosesEveryUnsyncedWalByteLosesNoAcknowledgedWrite() throws Exception {
        Map<Path, Long> fsynced = new HashMap<>();
        for (int o = 0; o < OBJECTS; o++) {
            var object = object("o" + o);
            object.call(s -> s.ctx.storage().sql().exec("CREATE TABLE w (n INTEGER)").toList());
            // A new file's first commit fsyncs its WAL (and the file's name); later ones go through the log.
            Path db = databaseOf(object);
            fsynced.put(db, Files.size(wal(db)));
        }
        long logged = loggedBytes();
        for (int i = 0; i < WRITES; i++) {
            for (int o = 0; o < OBJECTS; o++) {
                int n = i;
                object("o" + o).call(s -> s.ctx.storage().sql().exec("INSERT INTO w VALUES (?)", n).toList());
            }
        }
        // Each insert appends one 4 KB page frame to its WAL, and only that is logged (the WAL-index
        // header gives the range), not the WAL written so far.
        long perCommit = (loggedBytes() - logged) / (WRITES * OBJECTS);
        assertTrue(perCommit >= 4096 + 24 && perCommit < 2 * (4096 + 24), "bytes logged per commit: " + perCommit);

        powerLoss(fsynced, crashed, true);
        powerLoss(fsynced, crashedWithoutLog, false);
        Path gone = cairn.dataDir().relativize(databaseOf(object("o0")));
        Files.delete(crashed.resolve(gone));
        Files.delete(wal(crashed.resolve(gone)));
        // A torn last record: written as the machine stopped, never acknowledged.
        try (Stream<Path> segments = Files.list(crashed.resolve("commit-log"))) {
            Path segment = segments.filter(p -> !p.getFileName().toString().startsWith("spare-")).sorted().toList().getLast();
            Files.write(segment, new byte[] {0, 0, 1, 0, 7, 7, 7}, StandardOpenOption.APPEND);
        }
        List<String> replayed = segments(crashed);
        cairn.stop();

        restartOn(crashedWithoutLog);
        assertEquals(0, rows("o1"), "without the log the simulated crash loses the unsynced commits");
        cairn.stop();

        restartOn(crashed);
        for (int o = 1; o < OBJECTS; o++) {
            assertEquals(WRITES, rows("o" + o), "o" + o + ": every acknowledged insert");
        }
        assertFalse(Files.exists(wal(cairn.dataDir().resolve(gone))), "no WAL is written for a database that no longer exists");
        assertTrue(segments(cairn.dataDir()).stream().noneMatch(replayed::contains), "replayed segments are removed");
    }

    @Test
    void replayIsRightAcrossCheckpointsThatRestartTheWalInPlace() throws Exception {
        var object = object("big");
        object.call(s -> s.ctx.storage().sql().exec("CREATE TABLE b (n INTEGER, v BLOB)").toList());
        Path db = databaseOf(object);
        // ~100 KB per commit: SQLite checkpoints at 1,000 pages (~4 MB) and then rewrites its WAL from the start.
        for (int i = 0; i < 120; i++) {
            int n = i;
            object.call(s -> s.ctx.storage().sql().exec("INSERT INTO b VALUES (?, randomblob(100000))", n).toList());
        }
        assertTrue(Files.size(wal(db)) < 120 * 100_000L, "the WAL was restarted by checkpoints");

        // The harshest loss: every WAL byte since the last checkpoint (the database file was fsynced then).
        powerLoss(Map.of(db, 0L), crashed, true);
        powerLoss(Map.of(db, 0L), crashedWithoutLog, false);
        cairn.stop();

        restartOn(crashedWithoutLog);
        long survived = object("big").call(s -> s.ctx.storage().sql().exec("SELECT count(*) AS c FROM b").one().getLong("c"));
        assertTrue(survived < 120, "without the log the commits after the last checkpoint are lost: " + survived);
        cairn.stop();

        restartOn(crashed);
        var rows = object("big").call(s -> s.ctx.storage().sql()
                .exec("SELECT count(*) AS c, sum(n) AS s, sum(length(v)) AS l FROM b").one());
        assertEquals(120, rows.getLong("c"));
        assertEquals(119 * 120 / 2, rows.getLong("s"));
        assertEquals(120 * 100_000L, rows.getLong("l"));
    }

    /** Segments of one page: every commit fills one, so the log closes a segment per write. */
    @Nested
    class WithSegmentsOfOnePage {
        @RegisterExtension
        final CairnTestKit small = CairnTestKit.builder()
                .namespace("scratch", Scratch.class)
                .property("cairn.storage.durability", "full")
                .property("cairn.storage.commit-log.segment-size", "4096")
                .property("cairn.storage.commit-log.flush-interval", "1h")
                .freshPerTest()
                .build();

        @Test
        void closedSegmentsAreRecycledOnceTheirWalsAreFsyncedAndAStopLeavesNoneToReplay() throws Exception {
            Path dir = small.dataDir();
            for (int i = 0; i < 200; i++) {
                int n = i;
                small.get(Scratch.class, "r" + (i % 5)).call(s -> {
                    s.ctx.storage().put("k" + n, n);
                    return null;
                });
            }
            // Each commit writes a 4 KB page, so every write closed a segment; the log's flusher thread
            // fsyncs the WALs each one covers, then deletes it or keeps it as a spare.
            awaitSegmentsToReplay(dir, 1);
            assertEquals(1, segments(dir).size(), "closed segments are deleted or kept as spares: " + segments(dir));
            try (Stream<Path> files = Files.list(dir.resolve("commit-log"))) {
                assertTrue(files.filter(p -> p.getFileName().toString().startsWith("spare-")).count() <= 2);
            }
            small.stop();
            assertEquals(List.of(), segments(dir), "a clean stop leaves no segment to replay");

            small.restart();
            int stored = 0;
            for (int o = 0; o < 5; o++) {
                stored += small.get(Scratch.class, "r" + o).call(s -> s.ctx.storage().list(ListOptions.all())).size();
            }
            assertEquals(200, stored);
        }
    }

    @Test
    void invalidSettingsAreRefusedNamingTheKey() {
        var size = assertThrows(IllegalArgumentException.class, () -> new CommitLogSettings(0, Duration.ofSeconds(1)));
        assertEquals("cairn.storage.commit-log.segment-size must be positive, got 0", size.getMessage());
        var interval = assertThrows(IllegalArgumentException.class, () -> new CommitLogSettings(1, Duration.ZERO));
        assertEquals("cairn.storage.commit-log.flush-interval must be at least 1ms, got PT0S", interval.getMessage());
    }

    private long rows(String name) {
        return object(name).call(s -> s.ctx.storage().sql().exec("SELECT count(*) AS c FROM w").one().getLong("c"));
    }

    /** The object's SQLite file, found on disk by its id (under {@code <data-dir>/<namespace>/}). */
    private Path databaseOf(Stub<?> object) throws IOException {
        String file = object.id() + ".sqlite";
        try (Stream<Path> files = Files.walk(cairn.dataDir().resolve(object.id().namespace()))) {
            return files.filter(p -> p.getFileName().toString().equals(file)).findFirst()
                    .orElseThrow(() -> new AssertionError("no database file " + file));
        }
    }

    /**
     * Record bytes the log holds: the size of its one segment. In a fresh data directory the first
     * segment is a new file (there is no spare to reuse yet) that grows by each record appended, and
     * no segment is closed here (see the kit's settings).
     */
    private long loggedBytes() throws IOException {
        List<String> segments = segments(cairn.dataDir());
        assertEquals(1, segments.size(), "one segment: " + segments);
        return Files.size(cairn.dataDir().resolve("commit-log").resolve(segments.getFirst()));
    }

    /**
     * Copies the running node's data directory to {@code target} as a power loss would leave it:
     * each listed database's WAL cut to the bytes known fsynced, shared memory files gone, the
     * commit log (fsynced before every reply) whole or, with {@code withLog} false, left out.
     */
    private void powerLoss(Map<Path, Long> fsyncedWal, Path target, boolean withLog) throws IOException {
        Path dir = cairn.dataDir();
        List<Path> files;
        try (Stream<Path> all = Files.walk(dir)) {
            files = new ArrayList<>(all.filter(Files::isRegularFile).toList());
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            Path rel = dir.relativize(f);
            if (name.endsWith("-shm") || !withLog && rel.startsWith("commit-log")) {
                continue;
            }
            Path to = target.resolve(rel);
            Files.createDirectories(to.getParent());
            Path db = name.endsWith("-wal") ? f.resolveSibling(name.substring(0, name.length() - 4)) : null;
            if (db != null && fsyncedWal.containsKey(db)) {
                try (FileChannel in = FileChannel.open(f); FileChannel out = FileChannel.open(to,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    in.transferTo(0, fsyncedWal.get(db), out);
                }
            } else {
                Files.copy(f, to);
            }
        }
    }

    /**
     * The machine restarts on the directory a crash left: the stopped node's data directory is
     * replaced by {@code image} and a new node starts on it (replaying the log it finds).
     */
    private void restartOn(Path image) throws IOException {
        Path dir = cairn.dataDir();
        try (Stream<Path> old = Files.walk(dir)) {
            for (Path p : old.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).toList()) {
                Files.delete(p);
            }
        }
        try (Stream<Path> copy = Files.walk(image)) {
            for (Path p : copy.filter(p -> !p.equals(image)).toList()) {
                Files.copy(p, dir.resolve(image.relativize(p)));
            }
        }
        cairn.restart();
    }

    /**
     * Waits, at most 30 s, until the log in {@code dataDir} holds {@code n} segments to replay: its
     * flusher thread deletes (or renames to spares) the segments it has flushed. Woken by changes to
     * the directory.
     */
    private static void awaitSegmentsToReplay(Path dataDir, int n) throws IOException, InterruptedException {
        Path log = dataDir.resolve("commit-log");
        try (WatchService watcher = log.getFileSystem().newWatchService()) {
            log.register(watcher, ENTRY_CREATE, ENTRY_DELETE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (segments(dataDir).size() != n) {
                WatchKey changed = watcher.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (changed == null) {
                    throw new AssertionError("segments to replay after 30 s: " + segments(dataDir) + ", expected " + n);
                }
                changed.pollEvents();
                changed.reset();
            }
        }
    }

    private static Path wal(Path db) {
        return db.resolveSibling(db.getFileName() + "-wal");
    }

    private static List<String> segments(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("commit-log"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("spare-")).sorted().toList();
        }
    }
}
