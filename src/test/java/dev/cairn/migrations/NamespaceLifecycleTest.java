package dev.cairn.migrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.Alarmed;
import dev.cairn.api.ObjectId;
import dev.cairn.api.PendingAlarm;
import dev.cairn.alarms.AlarmIndex;
import dev.cairn.inventory.Inventory;
import dev.cairn.inventory.StoredObject;
import dev.cairn.migrations.NamespaceMigrations.NamespaceIndex;
import dev.cairn.migrations.NamespaceMigrations.StrayDirectory;
import dev.cairn.runtime.Node;
import dev.cairn.runtime.NodeMeters;
import dev.cairn.runtime.Placement;
import dev.cairn.runtime.RemoteCalls;
import dev.cairn.service.ConfiguredSettings;
import dev.cairn.storage.Durability;
import dev.cairn.testing.FakeClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteDataSource;

/**
 * Namespace lifecycle (Cloudflare's class migrations): a namespace renamed from an old name serves its
 * objects, ids and alarms; a deleted one leaves nothing; both are applied once, at start-up, and a start
 * interrupted between any two steps is completed by the next; directories no declaration explains are
 * reported and left alone.
 */
class NamespaceLifecycleTest {
    private static final String OLD = "cairn.namespaces.old.class";
    private static final String NEW = "cairn.namespaces.renamed.class";
    private static final String NEW_FROM = "cairn.namespaces.renamed.renamed-from";

    @TempDir
    Path dataDir;
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-06T12:00:00Z"));
    private Node node;

    @BeforeEach
    void forget() {
        Alarmed.ATTEMPTS.clear();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.shutdown();
        }
    }

    @Test
    void aRenamedNamespaceServesTheOldObjectsUnderTheSameIdsWithTheirAlarms() {
        Seeded seeded = seedOld();

        start(Map.of(NEW, Alarmed.class.getName(), NEW_FROM, "old"));

        assertFalse(Files.exists(dataDir.resolve("old")));
        assertEquals(seeded.named(), node.of(Alarmed.class).idFromName("keeper").toString(), "the same id from the same name");
        assertServed("renamed", seeded);
        assertEquals(List.of(), node.inventory().page("old", Optional.empty(), Optional.empty(), 10).join().objects());
        clock.advance(Duration.ofHours(2));
        node.alarms().fireDue().join();
        assertEquals(1, Alarmed.ATTEMPTS.get("keeper").size(), "its alarm fires under the new name");
    }

    @Test
    void aRenameIsAppliedOnceTheOldNameMayServeNewObjectsAndAFurtherRenameKeepsTheIds() {
        Seeded seeded = seedOld();
        start(Map.of(NEW, Alarmed.class.getName(), NEW_FROM, "old"));
        node.shutdown();

        // The old name declared again (another class would do): a new, empty namespace; the rename is not applied again.
        start(Map.of(NEW, Alarmed.class.getName(), NEW_FROM, "old", OLD, Fresh.class.getName()));
        assertEquals(List.of(), node.storedIds("old"));
        assertServed("renamed", seeded);
        node.of(Fresh.class).getByName("newcomer").call(f -> {
            f.ctx.storage().put("k", 1);
            return null;
        });
        node.shutdown();

        start(Map.of("cairn.namespaces.last.class", Alarmed.class.getName(), "cairn.namespaces.last.renamed-from", "renamed",
                OLD, Fresh.class.getName()));
        assertServed("last", seeded);
        assertEquals(1, node.storedIds("old").size(), "the new 'old' keeps its own object");
    }

    /** Where a start applying a rename stopped (the process died there). */
    enum RenameStop {
        /** The record says started; nothing else changed. */
        AFTER_RECORDING_THE_START,
        /** The alarm index is renamed; the inventory and the files are not. */
        AFTER_THE_ALARM_INDEX,
        /** Both indexes are renamed; the directory is not. */
        AFTER_THE_INDEXES,
        /** The directory moved too; the record does not say done. */
        AFTER_THE_DIRECTORY
    }

    @ParameterizedTest
    @EnumSource(RenameStop.class)
    void aRenameInterruptedBetweenTwoStepsIsCompletedByTheNextStart(RenameStop stop) throws IOException {
        Seeded seeded = seedOld();
        var declared = ConfiguredSettings.declarations(ConfiguredSettings.mapping(Map.of(NEW, Alarmed.class.getName(), NEW_FROM, "old")));
        int indexesRenamed = switch (stop) {
            case AFTER_RECORDING_THE_START -> 0;
            case AFTER_THE_ALARM_INDEX -> 1;
            case AFTER_THE_INDEXES, AFTER_THE_DIRECTORY -> 2;
        };
        try (var alarmIndex = new AlarmIndex(alarmIndexData(), Durability.FULL)) {
            var dying = new NamespaceMigrations(dataDir, dyingAfter(indexesRenamed, realIndexes(alarmIndex)), clock);
            assertThrows(ProcessDied.class, () -> dying.apply(declared));
        }
        if (stop == RenameStop.AFTER_THE_DIRECTORY) {
            Files.move(dataDir.resolve("old"), dataDir.resolve("renamed"));
        }

        start(Map.of(NEW, Alarmed.class.getName(), NEW_FROM, "old"));

        assertServed("renamed", seeded);
        assertFalse(Files.exists(dataDir.resolve("old")));
    }

    @Test
    void aRenameThatWouldMergeTwoNamespacesStopsTheStartAndChangesNothing() {
        seedOld();
        start(Map.of(NEW, Alarmed.class.getName()));
        node.of(Alarmed.class).getByName("already-here").call(a -> {
            a.ctx.storage().put("k", 1);
            return null;
        });
        node.shutdown();
        node = null;

        var refused = assertThrows(IllegalStateException.class,
                () -> start(Map.of(NEW, Alarmed.class.getName(), NEW_FROM, "old")));
        assertTrue(refused.getMessage().startsWith("cairn.namespaces.renamed.renamed-from=old: both "), refused.getMessage());
        assertTrue(refused.getMessage().contains("(1 objects) hold objects, and a rename merges nothing"), refused.getMessage());
        assertTrue(Files.isDirectory(dataDir.resolve("old")));
    }

    @Test
    void aDeletedNamespaceLeavesNoFileNoAlarmAndNoListing() {
        seedOld();

        start(Map.of("cairn.namespaces.old.deleted", "true", NEW, Alarmed.class.getName()));

        assertFalse(Files.exists(dataDir.resolve("old")));
        assertEquals(List.of(), node.alarms().pending(Optional.empty(), 10));
        assertEquals(List.of(), node.inventory().page("old", Optional.empty(), Optional.empty(), 10).join().objects());
        assertEquals(Map.of(), node.inventory().totals().entrySet().stream().filter(e -> e.getValue().objects() > 0)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    @Test
    void aDeletionInterruptedAfterTheIndexesOrHalfWayThroughTheFilesIsCompletedByTheNextStart() throws IOException {
        seedOld();
        var declared = ConfiguredSettings.declarations(ConfiguredSettings.mapping(Map.of("cairn.namespaces.old.deleted", "true")));
        try (var alarmIndex = new AlarmIndex(alarmIndexData(), Durability.FULL)) {
            var dying = new NamespaceMigrations(dataDir, dyingAfter(1, realIndexes(alarmIndex)), clock);
            assertThrows(ProcessDied.class, () -> dying.apply(declared));
        }
        try (Stream<Path> files = Files.walk(dataDir.resolve("old"))) {
            Files.delete(files.filter(f -> f.toString().endsWith(".sqlite")).findFirst().orElseThrow()); // one file of several gone
        }

        start(Map.of("cairn.namespaces.old.deleted", "true", NEW, Alarmed.class.getName()));

        assertFalse(Files.exists(dataDir.resolve("old")));
        assertEquals(List.of(), node.alarms().pending(Optional.empty(), 10));
        assertEquals(List.of(), node.inventory().page("old", Optional.empty(), Optional.empty(), 10).join().objects());
    }

    @Test
    void aDirectoryNoDeclarationExplainsIsReportedAndLeftAlone() throws IOException {
        seedOld();
        Files.createDirectories(dataDir.resolve("lost+found"));
        var declared = ConfiguredSettings.declarations(ConfiguredSettings.mapping(Map.of(NEW, Alarmed.class.getName())));

        var outcome = new NamespaceMigrations(dataDir, List.of(), clock).apply(declared);

        assertEquals(List.of(new StrayDirectory("old", 2)), outcome.strays());
        assertEquals(Map.of("renamed", "renamed"), outcome.keyOrigins());
        assertTrue(Files.isDirectory(dataDir.resolve("old")));
    }

    /** What {@link #seedOld} left: the named object's id, a unique object's id. */
    private record Seeded(String named, String unique) {}

    /** Two objects of namespace {@code old}: "keeper" (a table, an entry, an alarm in an hour) and one by unique id. */
    private Seeded seedOld() {
        start(Map.of(OLD, Alarmed.class.getName()));
        var ns = node.of(Alarmed.class);
        ns.getByName("keeper").call(a -> {
            a.ctx.storage().sql().exec("CREATE TABLE notes (body TEXT)");
            a.ctx.storage().sql().exec("INSERT INTO notes VALUES ('kept')");
            a.ctx.storage().put("k", "v");
            a.ctx.storage().setAlarm(clock.instant().plus(Duration.ofHours(1)));
            return null;
        });
        ObjectId unique = ns.newUniqueId();
        ns.get(unique).call(a -> {
            a.ctx.storage().put("k", "unique");
            return null;
        });
        Seeded seeded = new Seeded(ns.idFromName("keeper").toString(), unique.toString());
        node.shutdown();
        node = null;
        return seeded;
    }

    private void assertServed(String namespace, Seeded seeded) {
        var ns = node.of(Alarmed.class);
        assertEquals("v", ns.getByName("keeper").call(a -> a.ctx.storage().get("k", String.class)));
        assertEquals("kept", ns.getByName("keeper").call(a -> a.ctx.storage().sql().exec("SELECT body FROM notes").one().getString("body")));
        assertEquals("unique", ns.get(ns.idFromString(seeded.unique())).call(a -> a.ctx.storage().get("k", String.class)),
                "a unique id minted under the old name is valid under the new one");
        List<PendingAlarm> alarms = node.alarms().pending(Optional.of(namespace), 10);
        assertEquals(1, alarms.size());
        assertEquals(seeded.named(), alarms.getFirst().id().toString());
        List<StoredObject> listed = node.inventory().page(namespace, Optional.empty(), Optional.empty(), 10).join().objects();
        assertEquals(2, listed.size());
        assertTrue(listed.stream().anyMatch(o -> o.name().equals(Optional.of("keeper"))), listed.toString());
    }

    private void start(Map<String, String> namespaces) {
        Map<String, String> properties = new LinkedHashMap<>(namespaces);
        properties.put("cairn.data-dir", dataDir.toString());
        properties.put("cairn.alarms.timer", "false");
        var config = ConfiguredSettings.mapping(properties);
        node = new Node(ConfiguredSettings.from(config), ConfiguredSettings.declarations(config), clock, new Random(7),
                new ObjectMapper(), alarmIndexData(), NodeMeters.NONE, Placement.SINGLE_NODE, RemoteCalls.NONE, Optional.empty());
    }

    private SQLiteDataSource alarmIndexData() {
        var index = new SQLiteDataSource();
        index.setUrl("jdbc:sqlite:" + dataDir.resolve("alarm-index.sqlite"));
        return index;
    }

    /** The node's two indexes, as the node gives them to the migrations. */
    private List<NamespaceIndex> realIndexes(AlarmIndex alarmIndex) {
        Path inventory = dataDir.resolve("inventory.sqlite");
        return List.of(index("alarms", alarmIndex::renameNamespace, alarmIndex::removeNamespace),
                index("inventory rows", (from, to) -> Inventory.renameNamespace(inventory, from, to),
                        ns -> Inventory.removeNamespace(inventory, ns)));
    }

    /** The first {@code survived} of {@code indexes}, then one where the process dies (the migration stops there). */
    private static List<NamespaceIndex> dyingAfter(int survived, List<NamespaceIndex> indexes) {
        return Stream.concat(indexes.subList(0, survived).stream(),
                Stream.of(index("dead", (from, to) -> { throw new ProcessDied(); }, ns -> { throw new ProcessDied(); }))).toList();
    }

    private static NamespaceIndex index(String entries, java.util.function.ToIntBiFunction<String, String> rename,
            java.util.function.ToIntFunction<String> remove) {
        return new NamespaceIndex() {
            @Override
            public String entries() {
                return entries;
            }

            @Override
            public int rename(String from, String to) {
                return rename.applyAsInt(from, to);
            }

            @Override
            public int remove(String namespace) {
                return remove.applyAsInt(namespace);
            }
        };
    }

    /** Stands for the process dying at that point: nothing after it runs. */
    private static final class ProcessDied extends RuntimeException {}

    /** A class for a namespace declared anew under an old name. */
    public static final class Fresh {
        public final dev.cairn.api.ObjectContext ctx;

        public Fresh(dev.cairn.api.ObjectContext ctx) {
            this.ctx = ctx;
        }
    }
}
