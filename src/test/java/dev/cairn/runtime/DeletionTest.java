package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Alarmed;
import dev.cairn.api.ListOptions;
import dev.cairn.api.ObjectId;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting an object (the admin API's {@code DELETE}): everything it owns goes in one commit, its files
 * after, its alarm never fires, and the next call finds a new, empty object.
 */
class DeletionTest {
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder()
            .namespace("alarmed", Alarmed.class)
            .property("cairn.objects.housekeeping-interval", "1h")
            .clockAt(Instant.parse("2026-12-06T12:00:00Z"))
            .freshPerTest()
            .build();

    @BeforeEach
    void forget() {
        Alarmed.ATTEMPTS.clear();
        Alarmed.CONSTRUCTIONS.clear();
    }

    @Test
    void aDeletedObjectLeavesNoFileNoRowNoAlarmAndTheNextCallFindsItEmpty() {
        Stub<Alarmed> stub = seeded("doomed");
        ObjectId id = idOf("doomed");
        Path file = cairn.node().catalog().databaseFile(id);
        assertTrue(Files.exists(file));

        cairn.node().delete(id).join();

        assertFalse(Files.exists(file), "its file is removed");
        assertFalse(Files.exists(file.resolveSibling(file.getFileName() + "-wal")));
        assertEquals(Optional.empty(), cairn.node().inventory().find(id).join());
        assertEquals(List.of(), cairn.node().alarms().pending(Optional.of("alarmed"), 10));
        int constructions = Alarmed.CONSTRUCTIONS.get("doomed").get();
        assertEquals(0L, (long) stub.call(a -> (long) a.ctx.storage().list(ListOptions.all(), Object.class).size()));
        assertEquals(constructions + 1, Alarmed.CONSTRUCTIONS.get("doomed").get(), "a new instance");
        assertEquals(0L, (long) stub.call(a -> a.ctx.storage().sql().exec("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'notes'")
                .one().getLong("n")), "its tables are gone");
    }

    @Test
    void aDeletedObjectsAlarmNeverFires() {
        seeded("alarming");
        cairn.node().delete(idOf("alarming")).join();
        cairn.clock().advance(Duration.ofHours(2));
        cairn.fireDueAlarms();
        assertEquals(null, Alarmed.ATTEMPTS.get("alarming"));
    }

    @Test
    void callsQueuedBehindADeletionRunOnTheNewEmptyObject() {
        Stub<Alarmed> stub = seeded("busy");
        var deleted = cairn.node().delete(idOf("busy"));
        long entries = stub.call(a -> (long) a.ctx.storage().list(ListOptions.all(), Object.class).size());
        deleted.join();
        assertEquals(0, entries);
        stub.call(a -> {
            a.ctx.storage().put("again", 1);
            return null;
        });
        assertEquals(Optional.of(1), cairn.node().inventory().find(idOf("busy")).join().map(o -> 1), "listed again once written");
    }

    @Test
    void anObjectNotStoredHereCannotBeDeleted() {
        var failed = assertThrows(CompletionException.class, () -> cairn.node().delete(idOf("never")).join());
        assertInstanceOf(java.util.NoSuchElementException.class, failed.getCause());
        assertTrue(failed.getCause().getMessage().contains("is stored on this node"));
    }

    private Stub<Alarmed> seeded(String name) {
        Stub<Alarmed> stub = cairn.get(Alarmed.class, name);
        stub.call(a -> {
            a.ctx.storage().sql().exec("CREATE TABLE notes (body TEXT)");
            a.ctx.storage().sql().exec("INSERT INTO notes VALUES ('kept until deleted')");
            a.ctx.storage().put("k", "v");
            a.ctx.storage().setAlarm(cairn.clock().instant().plus(Duration.ofHours(1)));
            return null;
        });
        return stub;
    }

    private ObjectId idOf(String name) {
        return cairn.namespace(Alarmed.class).idFromName(name);
    }
}
