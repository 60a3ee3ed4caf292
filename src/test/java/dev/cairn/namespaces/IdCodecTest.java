package dev.cairn.namespaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.InvalidIdException;
import dev.cairn.api.Jurisdiction;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Ids are derived and checked per namespace (and per namespace key). */
class IdCodecTest {
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
}
