package dev.cairn.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.ObjectId;
import dev.cairn.testing.FakeClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory lists what is stored without opening a database, page by page, and stays true across a crash. */
class InventoryTest {
    @TempDir
    Path dataDir;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final List<Inventory> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(Inventory::close);
    }

    @Test
    void anObjectIsListedWithItsNameBeforeItsFirstWriteAndWithItsSizeAndTimeAfter() {
        Inventory inventory = open();
        ObjectId room = id("rooms", 1, "lobby");
        inventory.opening(room).join();
        assertEquals(List.of(new StoredObject("rooms", room.toString(), Optional.of("lobby"), 0, OptionalLong.empty())),
                inventory.page("rooms", Optional.empty(), Optional.empty(), 10).join().objects());

        clock.advance(Duration.ofSeconds(5));
        inventory.written(room, 8192);
        inventory.closed(room);
        assertEquals(Optional.of(new StoredObject("rooms", room.toString(), Optional.of("lobby"), 8192, OptionalLong.of(clock.millis()))),
                inventory.find(room).join());
        assertEquals(Map.of("rooms", new NamespaceTotals(1, 8192)), inventory.currentTotals().join());
    }

    @Test
    void aNameLearntAfterTheActivationIsKept() {
        Inventory inventory = open();
        ObjectId byId = id("rooms", 2, null);
        inventory.opening(byId).join();
        inventory.written(id("rooms", 2, "kitchen"), 4096);
        assertEquals(Optional.of("kitchen"), inventory.find(byId).join().orElseThrow().name());
    }

    @Test
    void pagesFollowEachOtherByIdUntilTheLastHasNoCursor() {
        Inventory inventory = open();
        for (int i = 0; i < 25; i++) {
            inventory.opening(id("rooms", i, "room-" + i));
        }
        inventory.opening(id("other", 99, "elsewhere"));
        List<String> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            ObjectPage page = inventory.page("rooms", Optional.empty(), cursor, 10).join();
            page.objects().forEach(o -> seen.add(o.id()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor.isPresent());
        assertEquals(3, pages);
        assertEquals(25, seen.size());
        assertEquals(seen.stream().sorted().toList(), seen);
    }

    @Test
    void aPrefixListsTheObjectsWhoseNameStartsWithItByName() {
        Inventory inventory = open();
        for (String name : List.of("user-b", "user-a", "usher", "user-c", "admin")) {
            inventory.opening(id("rooms", name.hashCode() & 0xffff, name));
        }
        inventory.opening(id("rooms", 7, null)); // never named: not found by prefix
        ObjectPage first = inventory.page("rooms", Optional.of("user-"), Optional.empty(), 2).join();
        ObjectPage second = inventory.page("rooms", Optional.of("user-"), first.nextCursor(), 2).join();
        assertEquals(List.of("user-a", "user-b"), first.objects().stream().map(o -> o.name().orElseThrow()).toList());
        assertEquals(List.of("user-c"), second.objects().stream().map(o -> o.name().orElseThrow()).toList());
        assertEquals(Optional.empty(), second.nextCursor());
    }

    @Test
    void aCursorNoListingReturnedOrOfTheOtherOrderIsRefusedSayingWhatToPass() {
        Inventory inventory = open();
        for (int i = 0; i < 3; i++) {
            inventory.opening(id("rooms", i, "r" + i));
        }
        var bad = assertThrows(IllegalArgumentException.class, () -> inventory.page("rooms", Optional.empty(), Optional.of("nonsense"), 1));
        assertTrue(bad.getMessage().contains("pass the nextCursor of the previous page unchanged"), bad.getMessage());
        String byId = inventory.page("rooms", Optional.empty(), Optional.empty(), 1).join().nextCursor().orElseThrow();
        var other = assertThrows(IllegalArgumentException.class, () -> inventory.page("rooms", Optional.of("r"), Optional.of(byId), 1));
        assertTrue(other.getMessage().contains("without a name prefix"), other.getMessage());
    }

    @Test
    void afterACrashTheRowsOfObjectsStillOpenAreRefreshedFromTheirFilesAndVanishedFilesDropped() throws IOException {
        Inventory crashed = open();
        ObjectId kept = id("rooms", 1, "kept");
        ObjectId vanished = id("rooms", 2, "vanished");
        ObjectId closedCleanly = id("rooms", 3, "closed");
        for (ObjectId id : List.of(kept, vanished, closedCleanly)) {
            crashed.opening(id).join();
        }
        crashed.written(closedCleanly, 4096);
        crashed.closed(closedCleanly);
        crashed.flush().join();
        crashed.written(kept, 4096); // in memory only when the process dies
        Path keptFile = databaseFile(kept, 12288);
        Files.setLastModifiedTime(keptFile, FileTime.from(Instant.parse("2026-12-06T09:59:00Z")));
        databaseFile(closedCleanly, 4096);
        // The crash: the first inventory is never closed nor flushed again; a new one opens the same file.

        Inventory restarted = open();
        ObjectPage page = restarted.page("rooms", Optional.empty(), Optional.empty(), 10).join();
        assertEquals(List.of(
                new StoredObject("rooms", kept.toString(), Optional.of("kept"), 12288, OptionalLong.of(Instant.parse("2026-12-06T09:59:00Z").toEpochMilli())),
                new StoredObject("rooms", closedCleanly.toString(), Optional.of("closed"), 4096, OptionalLong.of(clock.millis()))),
                page.objects(), "in id order; the vanished object's row is gone");
        assertEquals(Map.of("rooms", new NamespaceTotals(2, 16384)), restarted.totals());
    }

    @Test
    void aNewInventoryListsTheDatabasesAlreadyInTheDataDirectory() throws IOException {
        ObjectId old = id("rooms", 5, null);
        databaseFile(old, 8192);
        Inventory inventory = open();
        assertEquals(Map.of("rooms", new NamespaceTotals(1, 8192)), inventory.currentTotals().join());
        assertEquals(Optional.empty(), inventory.find(old).join().orElseThrow().name());
    }

    @Test
    void closingWritesWhatWasInMemory() {
        Inventory first = open();
        ObjectId room = id("rooms", 1, "lobby");
        first.opening(room).join();
        first.written(room, 4096);
        first.closed(room);
        first.close();
        opened.remove(first);
        assertEquals(Map.of("rooms", new NamespaceTotals(1, 4096)), open().totals());
    }

    private Inventory open() {
        Inventory inventory = new Inventory(dataDir.resolve("inventory.sqlite"), new Inventory.Layout() {
            @Override
            public Path databaseFile(String namespace, String id) {
                return dataDir.resolve(namespace).resolve(id.substring(0, 2)).resolve(id + ".sqlite");
            }

            @Override
            public List<ObjectId> stored() throws IOException {
                try (Stream<Path> files = Files.walk(dataDir)) {
                    return files.filter(f -> f.toString().endsWith(".sqlite") && !f.getFileName().toString().equals("inventory.sqlite"))
                            .map(f -> new ObjectId(dataDir.relativize(f).getName(0).toString(),
                                    f.getFileName().toString().replace(".sqlite", ""), null, null))
                            .toList();
                }
            }
        }, clock, Duration.ofHours(1)); // flushed by the operations that read, never by the timer
        opened.add(inventory);
        return inventory;
    }

    private Path databaseFile(ObjectId id, int bytes) throws IOException {
        String hex = id.toString();
        Path file = dataDir.resolve(id.namespace()).resolve(hex.substring(0, 2)).resolve(hex + ".sqlite");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[bytes]);
        return file;
    }

    private static ObjectId id(String namespace, int n, String name) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) (n >> 8);
        bytes[1] = (byte) n;
        return new ObjectId(namespace, HexFormat.of().formatHex(bytes), name, null);
    }
}
