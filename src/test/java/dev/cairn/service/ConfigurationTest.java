package dev.cairn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.alarms.AlarmSettings;
import dev.cairn.namespaces.NamespaceDeclarations;
import dev.cairn.runtime.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Namespace declarations are checked at start-up; {@code max-active} is capped to what the open-file
 * limit allows; bad alarm settings are refused naming their key.
 */
class ConfigurationTest {
    private static final ClassLoader LOADER = ConfigurationTest.class.getClassLoader();

    /** A declaration as read from {@code cairn.namespaces.<name>.class}, with nothing else set. */
    private static NamespaceDeclarations.Raw raw(String className) {
        return NamespaceDeclarations.Raw.ofClass(className);
    }

    @Test
    void anEventTimeLimitIsMoreThanZeroAndAtMostFiveMinutes() {
        var e = assertThrows(IllegalStateException.class, () -> NamespaceDeclarations.validate(Map.of(
                "long", new NamespaceDeclarations.Raw(Optional.of(Scratch.class.getName()), Optional.empty(), OptionalInt.empty(),
                        Optional.of(Duration.ofMinutes(6)), Optional.empty(), false)), LOADER));
        assertEquals("invalid namespace configuration:\n  cairn.namespaces.long.event-timeout: must be more than 0 and at most 5 minutes,"
                + " got PT6M", e.getMessage());
        var d = NamespaceDeclarations.validate(Map.of("short", new NamespaceDeclarations.Raw(Optional.of(Scratch.class.getName()),
                Optional.empty(), OptionalInt.empty(), Optional.of(Duration.ofSeconds(2)), Optional.empty(), false)), LOADER).live();
        assertEquals(Optional.of(Duration.ofSeconds(2)), d.getFirst().eventTimeout());

        var node = assertThrows(IllegalStateException.class, () -> ConfiguredSettings.from(
                ConfiguredSettings.mapping(Map.of("cairn.objects.event-timeout", "0s"))));
        assertEquals("cairn.objects.event-timeout: must be more than 0 and at most 5 minutes, got PT0S", node.getMessage());
        assertEquals(Duration.ofSeconds(30), ConfiguredSettings.from(ConfiguredSettings.mapping(Map.of())).eventTimeout(),
                "the default, as Cloudflare's");
    }

    @Test
    void aValidDeclarationBecomesANamespace() {
        var d = NamespaceDeclarations.validate(Map.of("scratch", raw(Scratch.class.getName())), LOADER).live();
        assertEquals("scratch", d.getFirst().name());
        assertEquals(Scratch.class, d.getFirst().kind().type());
    }

    @Test
    void everyInvalidDeclarationIsReportedWithItsKey() {
        var e = assertThrows(IllegalStateException.class, () -> NamespaceDeclarations.validate(Map.of(
                "Bad_Name", raw(Scratch.class.getName()),
                "missing", raw("com.example.Nope"),
                "notobject", raw(String.class.getName()),
                "first", raw(Scratch.class.getName()),
                "second", raw(Scratch.class.getName())), LOADER));
        String m = e.getMessage();
        assertTrue(m.contains("cairn.namespaces.Bad_Name.class: invalid namespace name 'Bad_Name'"), m);
        assertTrue(m.contains("cairn.namespaces.missing.class: class com.example.Nope was not found"), m);
        assertTrue(m.contains("cairn.namespaces.notobject.class: class java.lang.String needs a public constructor taking an ObjectContext"), m);
        assertTrue(m.contains("cairn.namespaces.second.class: duplicate: class dev.cairn.Scratch is already bound to namespace 'first'"), m);
    }

    @Test
    void renamesAndDeletionsAreDeclaredBesideTheNamespacesServed() {
        var declared = ConfiguredSettings.declarations(ConfiguredSettings.mapping(Map.of(
                "cairn.namespaces.rooms.class", Scratch.class.getName(),
                "cairn.namespaces.rooms.renamed-from", "chat",
                "cairn.namespaces.old-games.deleted", "true",
                "cairn.namespaces.counter.class", "")));
        assertEquals(List.of("rooms"), declared.live().stream().map(NamespaceDeclarations.Declaration::name).toList(),
                "an empty class switches a namespace off");
        assertEquals(List.of(new NamespaceDeclarations.Lifecycle.Deleted("old-games"), new NamespaceDeclarations.Lifecycle.Renamed("chat", "rooms")),
                declared.lifecycle());
        assertEquals("cairn-namespace:chat", declared.live().getFirst().keyFor("chat"), "ids keep the key of the name they were minted under");
    }

    @Test
    void everyImpossibleLifecycleIsReportedWithItsKey() {
        var e = assertThrows(IllegalStateException.class, () -> ConfiguredSettings.declarations(ConfiguredSettings.mapping(Map.ofEntries(
                Map.entry("cairn.namespaces.gone.deleted", "true"),
                Map.entry("cairn.namespaces.gone.class", Scratch.class.getName()),
                Map.entry("cairn.namespaces.nameless.mailbox-capacity", "4"),
                Map.entry("cairn.namespaces.self.class", Scratch.class.getName()),
                Map.entry("cairn.namespaces.self.renamed-from", "self"),
                Map.entry("cairn.namespaces.raft.class", Scratch.class.getName()),
                Map.entry("cairn.namespaces.b.class", Scratch.class.getName()),
                Map.entry("cairn.namespaces.b.renamed-from", "a"),
                Map.entry("cairn.namespaces.c.class", Scratch.class.getName()),
                Map.entry("cairn.namespaces.c.renamed-from", "b"),
                Map.entry("cairn.namespaces.d.class", Scratch.class.getName()),
                Map.entry("cairn.namespaces.d.renamed-from", "a"),
                Map.entry("cairn.namespaces.e.class", Scratch.class.getName()),
                Map.entry("cairn.namespaces.e.renamed-from", "gone")))));
        String m = e.getMessage();
        assertTrue(m.contains("cairn.namespaces.gone.deleted: a deleted namespace has no class; remove cairn.namespaces.gone.class"), m);
        assertTrue(m.contains("cairn.namespaces.nameless.class: missing: the namespace's object class (or set"
                + " cairn.namespaces.nameless.deleted=true to delete its stored objects)"), m);
        assertTrue(m.contains("cairn.namespaces.self.renamed-from: 'self' is not another namespace's name"), m);
        assertTrue(m.contains("cairn.namespaces.raft.class: 'raft' names a directory Cairn keeps for itself"), m);
        assertTrue(m.contains("cairn.namespaces.c.renamed-from: 'b' is itself renamed from 'a'; rename one step at a time"), m);
        assertTrue(m.contains("cairn.namespaces.d.renamed-from: 'a' is already renamed to 'b'"), m);
        assertTrue(m.contains("cairn.namespaces.e.renamed-from: 'gone' is declared deleted"), m);
    }

    @Test
    void maxActiveIsCappedSoActiveObjectsCannotExhaustOpenFiles() {
        var os = (com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        assertEquals(Math.max(16, NodeProducer.maxActiveFor(os.getMaxFileDescriptorCount())),
                NodeProducer.withinFileLimit(100_000_000));
        assertEquals(16, NodeProducer.withinFileLimit(16), "a setting that fits is kept");
    }

    @Test
    void theCappedNumberOfObjectsClosingOnesIncludedFitsInTheOpenFileLimit() {
        long max = NodeProducer.maxActiveFor(20_000);
        assertEquals(4080, max);
        assertTrue((long) Node.hardLimit((int) max) * NodeProducer.FILES_PER_OBJECT + NodeProducer.FILES_RESERVED <= 20_000);
    }

    /** The systemd unit's open-file limit lets the default number of objects be active (see DeployFilesTest). */
    @Test
    void theSystemdUnitsOpenFileLimitKeepsTheDefaultMaxActive() throws IOException {
        String unit = Files.readString(Path.of("deploy/systemd/cairn.service"));
        Matcher files = Pattern.compile("(?m)^LimitNOFILE=(\\d+)$").matcher(unit);
        assertTrue(files.find());
        long limit = Long.parseLong(files.group(1));
        int defaultMaxActive = ConfiguredSettings.mapping(Map.of()).objects().maxActive();
        assertTrue(NodeProducer.maxActiveFor(limit) >= defaultMaxActive, "the node would cap max-active to "
                + NodeProducer.maxActiveFor(limit) + " at LimitNOFILE=" + limit);
    }

    @Test
    void badAlarmSettingsAreRefusedNamingTheKey() {
        CairnConfig.AlarmsConfig d = ConfiguredSettings.mapping(Map.of()).alarms(); // the defaults
        assertEquals("cairn.alarms.max-retries must be between 0 and 30, got -1", assertThrows(IllegalArgumentException.class,
                () -> new AlarmSettings(d.retryInitialDelay(), -1, d.retryJitter(), d.scanInterval(), true)).getMessage());
        assertEquals("cairn.alarms.retry-jitter must be between 0 and 1, got 1.5", assertThrows(IllegalArgumentException.class,
                () -> new AlarmSettings(d.retryInitialDelay(), 6, 1.5, d.scanInterval(), true)).getMessage());
        assertEquals("cairn.alarms.retry-initial-delay must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> new AlarmSettings(Duration.ZERO, 6, 0.25, d.scanInterval(), true)).getMessage());
        assertEquals("cairn.alarms.scan-interval must be at least 10ms, got PT0.001S", assertThrows(IllegalArgumentException.class,
                () -> new AlarmSettings(d.retryInitialDelay(), 6, 0.25, Duration.ofMillis(1), true)).getMessage());
    }
}
