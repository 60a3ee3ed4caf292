package dev.cairn.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both durability modes keep what was acknowledged for the next engine. What differs (the commit log
 * fsynced before the reply, or nothing fsynced) shows only on a power loss: {@link CommitLogTest}
 * simulates one for {@code full}; the crash tests (kill -9) cover process death.
 */
class DurabilityTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void acknowledgedWritesAreThereForTheNextEngine(Durability durability) {
        var settings = EngineHarness.settings(dir).with(durability);
        Engine engine = EngineHarness.engine(settings);
        var object = engine.of(Scratch.class).getByName("d");
        for (int i = 0; i < 20; i++) {
            int n = i;
            object.call(s -> {
                s.ctx.storage().put("k" + n, n);
                return null;
            });
        }
        engine.shutdown();
        Engine restarted = EngineHarness.engine(settings);
        assertEquals(20, restarted.of(Scratch.class).getByName("d")
                .call(s -> s.ctx.storage().list(dev.cairn.api.ListOptions.all())).size());
        restarted.shutdown();
    }

    @Test
    void aClosedObjectLeavesOnlyItsDatabaseFile() throws Exception {
        Engine engine = EngineHarness.engine(EngineHarness.settings(dir));
        var object = engine.of(Scratch.class).getByName("files");
        object.call(s -> { s.ctx.storage().put("k", 1); return null; });
        Path db = engine.catalog().databaseFile(object.id());
        assertTrue(Files.exists(Path.of(db + "-wal")), "WAL mode: commits go to the write-ahead log first");
        engine.shutdown();
        assertTrue(Files.exists(db));
        assertTrue(Files.notExists(Path.of(db + "-wal")), "closing checkpoints the log into the database file");
    }

    @Test
    void invalidLimitsAreRefusedNamingTheSetting() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new StorageLimits(0, 2048, 2_000_000, 100, 100, 100_000, 2_000_000, 50));
        assertEquals("cairn.storage.max-bytes-per-object must be positive, got 0", e.getMessage());
        var order = assertThrows(IllegalArgumentException.class,
                () -> new StorageLimits(1, 4096, 4096, 100, 100, 100_000, 2_000_000, 50));
        assertEquals("cairn.storage.kv-max-key-bytes (4096) must be smaller than cairn.storage.kv-max-entry-bytes (4096)",
                order.getMessage());
    }
}
