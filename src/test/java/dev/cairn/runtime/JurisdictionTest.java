package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Scratch;
import dev.cairn.api.InvalidIdException;
import dev.cairn.api.Jurisdiction;
import dev.cairn.api.LocationHint;
import dev.cairn.api.Namespace;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.cairn.testing.CairnTestKit;

/** {@code namespace.jurisdiction("eu")} and location hints, with Cloudflare's meaning. */
class JurisdictionTest {
    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("scratch", Scratch.class).freshPerTest().build();

    @Test
    void aJurisdictionsNamedIdIsAnotherObjectThanTheUnrestrictedOneOfThatName() {
        Namespace<Scratch> all = cairn.namespace(Scratch.class);
        Namespace<Scratch> eu = all.jurisdiction("eu");
        var euRoom = eu.idFromName("room");
        assertNotEquals(all.idFromName("room"), euRoom);
        assertNotEquals(all.jurisdiction(Jurisdiction.US).idFromName("room"), euRoom);
        assertEquals(euRoom, eu.idFromName("room"), "the same name, the same id");
        assertEquals(Optional.of(Jurisdiction.EU), euRoom.jurisdiction());
        assertEquals(Optional.of("room"), euRoom.name());

        eu.get(euRoom).call(s -> { s.ctx.storage().put("where", "eu"); return null; });
        all.getByName("room").call(s -> { s.ctx.storage().put("where", "anywhere"); return null; });
        assertEquals("eu", eu.getByName("room").call(s -> s.ctx.storage().get("where")), "each has its own storage");
        assertEquals(Optional.of(Jurisdiction.EU), eu.getByName("room").call(s -> s.ctx.id().jurisdiction()),
                "the object sees its jurisdiction");
    }

    @Test
    void aJurisdictionsNewIdsRecordIt() {
        Namespace<Scratch> fedramp = cairn.namespace(Scratch.class).jurisdiction(Jurisdiction.FEDRAMP);
        var id = fedramp.newUniqueId();
        assertEquals(Optional.of(Jurisdiction.FEDRAMP), id.jurisdiction());
        assertEquals(id, fedramp.idFromString(id.toString()));
        assertEquals(Optional.of(Jurisdiction.FEDRAMP), fedramp.newUniqueId(Jurisdiction.FEDRAMP).jurisdiction());
        var other = assertThrows(IllegalArgumentException.class, () -> fedramp.newUniqueId(Jurisdiction.EU));
        assertEquals("namespace 'scratch' restricted to jurisdiction 'fedramp' cannot mint an id of jurisdiction 'eu';"
                + " use the unrestricted namespace for that", other.getMessage());
        assertSame(fedramp, fedramp.jurisdiction("fedramp"));
        assertThrows(IllegalArgumentException.class, () -> fedramp.jurisdiction("us"));
    }

    @Test
    void aJurisdictionRefusesIdsOfAnotherAndTheUnrestrictedNamespaceTakesThemAll() {
        Namespace<Scratch> all = cairn.namespace(Scratch.class);
        Namespace<Scratch> eu = all.jurisdiction("eu");
        var plain = all.idFromName("room");
        var refused = assertThrows(InvalidIdException.class, () -> eu.get(plain));
        assertEquals("id " + plain + " belongs to no jurisdiction, not to 'eu': namespace 'scratch' restricted to jurisdiction 'eu'"
                + " accepts its own ids only", refused.getMessage());
        var us = all.jurisdiction("us").newUniqueId();
        assertTrue(assertThrows(InvalidIdException.class, () -> eu.idFromString(us.toString())).getMessage()
                .startsWith("id " + us + " belongs to jurisdiction 'us', not to 'eu'"));

        var euRoom = eu.idFromName("room");
        assertEquals(Optional.of(Jurisdiction.EU), all.idFromString(euRoom.toString()).jurisdiction());
        assertEquals("reached", all.get(all.idFromString(euRoom.toString())).call(s -> "reached"));
    }

    @Test
    void anUnknownJurisdictionIsRefusedNamingTheAllowedOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> cairn.namespace(Scratch.class).jurisdiction("mars"));
        assertEquals("unknown jurisdiction 'mars'; allowed: eu, us, fedramp, fedramp-high", e.getMessage());
    }

    @Test
    void locationHintsHaveCloudflaresNamesIncludingTheNewAsiaPacificOnes() {
        assertEquals(LocationHint.APAC_NE, LocationHint.fromCode("apac-ne"));
        assertEquals("apac-se", LocationHint.APAC_SE.code());
        var ns = cairn.namespace(Scratch.class);
        assertEquals(Optional.of(LocationHint.APAC_SE), ns.get(ns.newUniqueId(), Optional.of(LocationHint.fromCode("apac-se"))).locationHint());
        var e = assertThrows(IllegalArgumentException.class, () -> LocationHint.fromCode("mars"));
        assertEquals("unknown location hint 'mars'; allowed: wnam, enam, sam, weur, eeur, apac, apac-ne, apac-se, oc, afr, me",
                e.getMessage());
    }
}
