package dev.cairn.storage.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.Namespace;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability {@code full} through the node's commit log. A machine crash is simulated on a copy of
 * the data directory taken while the engine runs: each WAL is cut back to what was fsynced (or to
 * nothing), as a power loss would leave it, while the commit log, fsynced before every reply, is
 * copied whole. The next engine on that copy must see every acknowledged write; the same copy
 * without the log shows that the cut really lost them.
 */
class CommitLogTest {
    private static final int OBJECTS = 8;
    private static final int WRITES = 30;

    @TempDir
    Path dir;
    @TempDir
    Path crashed;
    @TempDir
    Path crashedWithoutLog;

    @Test
    void aMachineCrashThatLosesEveryUnsyncedWalByteLosesNoAcknowledgedWrite() throws Exception {
        Engine engine = EngineHarness.engine(EngineHarness.settings(dir));
        Namespace<Scratch> ns = engine.of(Scratch.class);
        Map<Path, Long> fsynced = new HashMap<>();
        for (int o = 0; o < OBJECTS; o++) {
            var object = ns.getByName("o" + o);
            object.call(s -> s.ctx.storage().sql().exec("CREATE TABLE w (n INTEGER)").toList());
            // A new file's first commit fsyncs its WAL (and the file's name); later ones go through the log.
            Path db = engine.catalog().databaseFile(object.id());
            fsynced.put(db, Files.size(wal(db)));
        }
        long logged = engine.commitLog().appendedBytes();
        for (int i = 0; i < WRITES; i++) {
            for (int o = 0; o < OBJECTS; o++) {
                int n = i;
                ns.getByName("o" + o).call(s -> s.ctx.storage().sql().exec("INSERT INTO w VALUES (?)", n).toList());
            }
        }
        // Each insert appends one 4 KB page frame to its WAL, and only that is logged (the WAL-index
        // header gives the range), not the WAL written so far.
        long perCommit = (engine.commitLog().appendedBytes() - logged) / (WRITES * OBJECTS);
        assertTrue(perCommit >= 4096 + 24 && perCommit < 2 * (4096 + 24), "bytes logged per commit: " + perCommit);

        powerLoss(fsynced, crashed, true);
        powerLoss(fsynced, crashedWithoutLog, false);
        Path gone = engine.catalog().databaseFile(ns.getByName("o0").id());
        Files.delete(crashed.resolve(dir.relativize(gone)));
        Files.delete(wal(crashed.resolve(dir.relativize(gone))));
        // A torn last record: written as the machine stopped, never acknowledged.
        try (Stream<Path> segments = Files.list(crashed.resolve("commit-log"))) {
            Path segment = segments.filter(p -> !p.getFileName().toString().startsWith("spare-")).sorted().toList().getLast();
            Files.write(segment, new byte[] {0, 0, 1, 0, 7, 7, 7}, StandardOpenOption.APPEND);
        }

        List<String> replayed = segments(crashed);
        Engine withoutLog = EngineHarness.engine(EngineHarness.settings(crashedWithoutLog));
        assertEquals(0, rows(withoutLog, "o1"), "without the log the simulated crash loses the unsynced commits");
        withoutLog.shutdown();

        Engine recovered = EngineHarness.engine(EngineHarness.settings(crashed));
        for (int o = 1; o < OBJECTS; o++) {
            assertEquals(WRITES, rows(recovered, "o" + o), "o" + o + ": every acknowledged insert");
        }
        assertFalse(Files.exists(wal(crashed.resolve(dir.relativize(gone)))),
                "no WAL is written for a database that no longer exists");
        assertTrue(segments(crashed).stream().noneMatch(replayed::contains), "replayed segments are removed");
        recovered.shutdown();
        engine.shutdown();
    }

    @Test
    void replayIsRightAcrossCheckpointsThatRestartTheWalInPlace() throws Exception {
        Engine engine = EngineHarness.engine(EngineHarness.settings(dir));
        var object = engine.of(Scratch.class).getByName("big");
        Path db = engine.catalog().databaseFile(object.id());
        object.call(s -> s.ctx.storage().sql().exec("CREATE TABLE b (n INTEGER, v BLOB)").toList());
        // ~100 KB per commit: SQLite checkpoints at 1,000 pages (~4 MB) and then rewrites its WAL from the start.
        for (int i = 0; i < 120; i++) {
            int n = i;
            object.call(s -> s.ctx.storage().sql().exec("INSERT INTO b VALUES (?, randomblob(100000))", n).toList());
        }
        assertTrue(Files.size(wal(db)) < 120 * 100_000L, "the WAL was restarted by checkpoints");

        // The harshest loss: every WAL byte since the last checkpoint (the database file was fsynced then).
        powerLoss(Map.of(db, 0L), crashed, true);
        powerLoss(Map.of(db, 0L), crashedWithoutLog, false);

        Engine withoutLog = EngineHarness.engine(EngineHarness.settings(crashedWithoutLog));
        long survived = withoutLog.of(Scratch.class).getByName("big")
                .call(s -> s.ctx.storage().sql().exec("SELECT count(*) AS c FROM b").one().getLong("c"));
        assertTrue(survived < 120, "without the log the commits after the last checkpoint are lost: " + survived);
        withoutLog.shutdown();

        Engine recovered = EngineHarness.engine(EngineHarness.settings(crashed));
        var rows = recovered.of(Scratch.class).getByName("big").call(s -> s.ctx.storage().sql()
                .exec("SELECT count(*) AS c, sum(n) AS s, sum(length(v)) AS l FROM b").one());
        assertEquals(120, rows.getLong("c"));
        assertEquals(119 * 120 / 2, rows.getLong("s"));
        assertEquals(120 * 100_000L, rows.getLong("l"));
        recovered.shutdown();
        engine.shutdown();
    }

    @Test
    void closedSegmentsAreRecycledOnceTheirWalsAreFsyncedAndAStopLeavesNoneToReplay() throws Exception {
        var settings = EngineHarness.settings(dir).with(new CommitLogSettings(4096, Duration.ofHours(1)));
        Engine engine = EngineHarness.engine(settings);
        Namespace<Scratch> ns = engine.of(Scratch.class);
        for (int i = 0; i < 200; i++) {
            int n = i;
            ns.getByName("r" + (i % 5)).call(s -> {
                s.ctx.storage().put("k" + n, n);
                return null;
            });
        }
        // Each commit writes a 4 KB page, so every write closed a segment.
        engine.commitLog().awaitFlushed();
        assertEquals(1, segments(dir).size(), "closed segments are deleted or kept as spares: " + segments(dir));
        try (Stream<Path> files = Files.list(dir.resolve("commit-log"))) {
            assertTrue(files.filter(p -> p.getFileName().toString().startsWith("spare-")).count() <= 2);
        }
        engine.shutdown();
        assertEquals(List.of(), segments(dir), "a clean stop leaves no segment to replay");

        Engine restarted = EngineHarness.engine(settings);
        int stored = 0;
        for (int o = 0; o < 5; o++) {
            stored += restarted.of(Scratch.class).getByName("r" + o)
                    .call(s -> s.ctx.storage().list(dev.cairn.api.ListOptions.all())).size();
        }
        assertEquals(200, stored);
        restarted.shutdown();
    }

    @Test
    void invalidSettingsAreRefusedNamingTheKey() {
        var size = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new CommitLogSettings(0, Duration.ofSeconds(1)));
        assertEquals("cairn.storage.commit-log.segment-size must be positive, got 0", size.getMessage());
        var interval = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new CommitLogSettings(1, Duration.ZERO));
        assertEquals("cairn.storage.commit-log.flush-interval must be at least 1ms, got PT0S", interval.getMessage());
    }

    private static long rows(Engine engine, String name) {
        return engine.of(Scratch.class).getByName(name)
                .call(s -> s.ctx.storage().sql().exec("SELECT count(*) AS c FROM w").one().getLong("c"));
    }

    /**
     * Copies the running engine's data directory to {@code target} as a power loss would leave it:
     * each listed database's WAL cut to the bytes known fsynced, shared memory files gone, the
     * commit log (fsynced before every reply) whole or, with {@code withLog} false, left out.
     */
    private void powerLoss(Map<Path, Long> fsyncedWal, Path target, boolean withLog) throws IOException {
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

    private static Path wal(Path db) {
        return db.resolveSibling(db.getFileName() + "-wal");
    }

    private static List<String> segments(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("commit-log"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("spare-")).sorted().toList();
        }
    }
}
