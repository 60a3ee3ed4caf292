package dev.cairn.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.ListOptions;
import dev.cairn.api.ObjectId;
import dev.cairn.testing.CairnTestKit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both durability modes keep what was acknowledged for the next node. What differs (the commit log
 * fsynced before the reply, or nothing fsynced) shows only on a power loss: {@code CommitLogTest}
 * simulates one for {@code full}; the crash tests (kill -9) cover process death.
 */
class DurabilityTest {
    /** A fresh node (and data directory) for every test, serving {@link Scratch} as namespace {@code scratch}. */
    private static CairnTestKit.Builder scratchNode() {
        return CairnTestKit.builder().namespace("scratch", Scratch.class).freshPerTest();
    }

    @Nested
    @ParameterizedClass
    @EnumSource(Durability.class)
    class InEitherMode {
        @RegisterExtension
        final CairnTestKit cairn;

        InEitherMode(Durability durability) {
            this.cairn = scratchNode().property("cairn.storage.durability", durability.name().toLowerCase(Locale.ROOT)).build();
        }

        @Test
        void acknowledgedWritesAreThereForTheNextNode() {
            var object = cairn.get(Scratch.class, "d");
            for (int i = 0; i < 20; i++) {
                int n = i;
                object.call(s -> {
                    s.ctx.storage().put("k" + n, n);
                    return null;
                });
            }
            cairn.restart();
            assertEquals(20, cairn.get(Scratch.class, "d").call(s -> s.ctx.storage().list(ListOptions.all())).size());
        }
    }

    @Nested
    class ByDefault {
        @RegisterExtension
        final CairnTestKit cairn = scratchNode().build();

        @Test
        void aClosedObjectLeavesOnlyItsDatabaseFile() throws Exception {
            var object = cairn.get(Scratch.class, "files");
            object.call(s -> { s.ctx.storage().put("k", 1); return null; });
            Path db = databaseFile(object.id());
            assertTrue(Files.exists(Path.of(db + "-wal")), "WAL mode: commits go to the write-ahead log first");
            cairn.stop();
            assertTrue(Files.exists(db));
            assertTrue(Files.notExists(Path.of(db + "-wal")), "closing checkpoints the log into the database file");
        }

        /** The object's database, wherever in the data directory the node keeps it. */
        private Path databaseFile(ObjectId id) throws IOException {
            try (Stream<Path> files = Files.walk(cairn.dataDir())) {
                return files.filter(p -> p.getFileName().toString().equals(id + ".sqlite")).findFirst()
                        .orElseThrow(() -> new AssertionError("no database file for " + id + " in " + cairn.dataDir()));
            }
        }
    }

    @Test
    void invalidLimitsAreRefusedNamingTheSetting() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new StorageLimits(0, 2048, 2_000_000, 100, 100, 100_000, 2_000_000, 50, 32));
        assertEquals("cairn.storage.max-bytes-per-object must be positive, got 0", e.getMessage());
        var order = assertThrows(IllegalArgumentException.class,
                () -> new StorageLimits(1, 4096, 4096, 100, 100, 100_000, 2_000_000, 50, 32));
        assertEquals("cairn.storage.kv-max-key-bytes (4096) must be smaller than cairn.storage.kv-max-entry-bytes (4096)",
                order.getMessage());
    }
}
