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

    @Test
    void aNameWithinAJurisdictionGivesAnotherIdThatRecordsIt() {
        var ids = new IdCodec("counter", "k1", new SecureRandom());
        var plain = ids.fromName("room-1");
        var eu = ids.fromName("room-1", Jurisdiction.EU);
        assertTrue(!plain.equals(eu) && !eu.equals(ids.fromName("room-1", Jurisdiction.US)));
        assertEquals(eu, new IdCodec("counter", "k1", new SecureRandom()).fromName("room-1", Jurisdiction.EU),
                "the same on every node sharing the key");
        assertEquals(Jurisdiction.EU, eu.jurisdiction().orElseThrow());
        assertEquals(Jurisdiction.EU, ids.parse(eu.toString()).jurisdiction().orElseThrow(), "the jurisdiction survives the hex form");
        assertEquals(Jurisdiction.FEDRAMP_HIGH, ids.parse(ids.fromName("r", Jurisdiction.FEDRAMP_HIGH).toString()).jurisdiction().orElseThrow());
        assertThrows(InvalidIdException.class, () -> new IdCodec("counter", "k2", new SecureRandom()).parse(eu.toString()));
    }

    @Test
    void unrestrictedNamedIdsAreThoseMintedBeforeJurisdictions() throws Exception {
        // Stored objects are found by these ids: HMAC("name\0" + name), top bit cleared, tagged with HMAC(body).
        var mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("k1".getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] body = java.util.Arrays.copyOf(mac.doFinal("name\0room-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 16);
        body[0] &= 0x7f;
        byte[] tag = java.util.Arrays.copyOf(mac.doFinal(body), 16);
        var hex = java.util.HexFormat.of();
        assertEquals(hex.formatHex(body) + hex.formatHex(tag), new IdCodec("counter", "k1", new SecureRandom()).fromName("room-1").toString());
    }
}
