package dev.cairn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.InvalidIdException;
import dev.cairn.api.Jurisdiction;
import java.security.SecureRandom;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Namespace declarations are checked at start-up; ids are derived and checked per namespace. */
class ConfigurationTest {
    private static final ClassLoader LOADER = ConfigurationTest.class.getClassLoader();

    @Test
    void aValidDeclarationBecomesANamespace() {
        var d = NamespaceDeclarations.validate(Map.of("scratch", EngineHarness.raw(Scratch.class.getName())), LOADER);
        assertEquals("scratch", d.getFirst().name());
        assertEquals(Scratch.class, d.getFirst().kind().type());
    }

    @Test
    void everyInvalidDeclarationIsReportedWithItsKey() {
        var e = assertThrows(IllegalStateException.class, () -> NamespaceDeclarations.validate(Map.of(
                "Bad_Name", EngineHarness.raw(Scratch.class.getName()),
                "missing", EngineHarness.raw("com.example.Nope"),
                "notobject", EngineHarness.raw(String.class.getName()),
                "first", EngineHarness.raw(Scratch.class.getName()),
                "second", EngineHarness.raw(Scratch.class.getName())), LOADER));
        String m = e.getMessage();
        assertTrue(m.contains("cairn.namespaces.Bad_Name.class: invalid namespace name 'Bad_Name'"), m);
        assertTrue(m.contains("cairn.namespaces.missing.class: class com.example.Nope was not found"), m);
        assertTrue(m.contains("cairn.namespaces.notobject.class: class java.lang.String needs a public constructor taking an ObjectContext"), m);
        assertTrue(m.contains("cairn.namespaces.second.class: duplicate: class dev.cairn.engine.Scratch is already bound to namespace 'first'"), m);
    }

    @Test
    void maxActiveIsCappedSoActiveObjectsCannotExhaustOpenFiles() {
        var os = (com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        var asked = EngineHarness.settings(java.nio.file.Path.of("unused")).withMaxActive(100_000_000);
        var capped = EngineProducer.withinFileLimit(asked);
        assertEquals(Math.max(16, EngineProducer.maxActiveFor(os.getMaxFileDescriptorCount())),
                capped.maxActive());
        var modest = asked.withMaxActive(16);
        assertEquals(16, EngineProducer.withinFileLimit(modest).maxActive(), "a setting that fits is kept");
    }

    @Test
    void namesGiveTheSameIdOnEveryNodeSharingTheKey() {
        var a = new IdCodec("counter", "k1", new SecureRandom());
        var b = new IdCodec("counter", "k1", new SecureRandom());
        assertEquals(a.fromName("room-1").toString(), b.fromName("room-1").toString());
        assertTrue(a.fromName("room-1").toString().matches("[0-9a-f]{64}"));
        assertEquals("room-1", a.fromName("room-1").name().orElseThrow());
        assertEquals(a.fromName("x"), b.parse(a.fromName("x").toString()));
        String first = a.fromName("room-1").toString();
        for (int i = 0; i < 40_000; i++) {
            a.fromName("n" + i); // more names than the codec keeps derived ids for
        }
        assertEquals(first, a.fromName("room-1").toString(), "an id derived again is the same id");
    }

    @Test
    void idsOfAnotherNamespaceOrKeyAreRefused() {
        var mine = new IdCodec("counter", "k1", new SecureRandom());
        var other = new IdCodec("counter", "k2", new SecureRandom());
        var e = assertThrows(InvalidIdException.class, () -> mine.parse(other.newUnique(null).toString()));
        assertTrue(e.getMessage().contains("was not minted by namespace 'counter'"));
        assertThrows(InvalidIdException.class, () -> mine.parse(mine.fromName("x").toString().toUpperCase()));
        assertThrows(InvalidIdException.class, () -> mine.parse("abc"));
    }

    @Test
    void uniqueIdsAreRandomAndKeepTheirJurisdiction() {
        var ids = new IdCodec("counter", "k1", new SplittableRandom(7));
        var eu = ids.newUnique(Jurisdiction.EU);
        assertEquals(Jurisdiction.EU, ids.parse(eu.toString()).jurisdiction().orElseThrow());
        assertTrue(ids.parse(ids.newUnique(null).toString()).jurisdiction().isEmpty());
        assertTrue(ids.parse(ids.fromName("n").toString()).jurisdiction().isEmpty());
        assertTrue(!ids.newUnique(null).equals(ids.newUnique(null)));
    }

    @Test
    void badAlarmSettingsAreRefusedNamingTheKey() {
        var d = AlarmSettings.DEFAULTS;
        assertEquals("cairn.alarms.max-retries must be between 0 and 30, got -1", assertThrows(IllegalArgumentException.class,
                () -> new AlarmSettings(d.retryInitialDelay(), -1, d.retryJitter(), d.scanInterval(), true)).getMessage());
        assertEquals("cairn.alarms.retry-jitter must be between 0 and 1, got 1.5", assertThrows(IllegalArgumentException.class,
                () -> new AlarmSettings(d.retryInitialDelay(), 6, 1.5, d.scanInterval(), true)).getMessage());
        assertEquals("cairn.alarms.retry-initial-delay must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> new AlarmSettings(java.time.Duration.ZERO, 6, 0.25, d.scanInterval(), true)).getMessage());
        assertEquals("cairn.alarms.scan-interval must be at least 10ms, got PT0.001S", assertThrows(IllegalArgumentException.class,
                () -> new AlarmSettings(d.retryInitialDelay(), 6, 0.25, java.time.Duration.ofMillis(1), true)).getMessage());
    }

    @Test
    void theCappedNumberOfObjectsClosingOnesIncludedFitsInTheOpenFileLimit() {
        long max = EngineProducer.maxActiveFor(20_000);
        assertEquals(4080, max);
        assertTrue((long) Catalog.hardLimit((int) max) * EngineProducer.FILES_PER_OBJECT + EngineProducer.FILES_RESERVED <= 20_000);
    }
}
