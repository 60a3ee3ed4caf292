package dev.cairn.namespaces;

import dev.cairn.api.InvalidIdException;
import dev.cairn.api.Jurisdiction;
import dev.cairn.api.ObjectId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and checks the ids of one namespace. An id is 16 bytes of body and a 16-byte tag, the
 * HMAC-SHA256 of the body under the namespace key, so an id minted by another namespace (or a typo)
 * is recognised. The body of a named id is the HMAC of the name (deterministic everywhere the key is
 * shared); the body of a unique id is random. The top bit of the body tells them apart, and a unique
 * id keeps its jurisdiction in the low bits of its first byte. A named id of a jurisdiction (Cloudflare's
 * {@code namespace.jurisdiction("eu").idFromName(name)}) derives its body from the jurisdiction and the
 * name, so it differs from the unrestricted id of that name, and keeps its jurisdiction in its tag: the
 * HMAC of the body under a prefix naming the jurisdiction. The bits of a named body cannot hold it,
 * since the named ids minted before jurisdictions existed use them all.
 *
 * <p>Thread-safe: the MAC is used under its own lock (a few microseconds); named ids already derived
 * are kept in a concurrent map.
 */
public final class IdCodec {
    private static final HexFormat HEX = HexFormat.of();
    private static final int HALF = 16;
    private static final byte UNIQUE_BIT = (byte) 0x80;
    private static final int JURISDICTION_MASK = 0x07;
    private static final int NAMES_KEPT = 16_384;

    private final String namespace;
    private final Mac mac;
    private final RandomGenerator random;
    /**
     * Ids of recently used names: a call by name derives its id on the HTTP thread, two HMACs under
     * one lock, for every request.
     */
    private final ConcurrentHashMap<String, ObjectId> byName = new ConcurrentHashMap<>();
    /** The same for names within a jurisdiction, keyed by {@code code + "\0" + name}. */
    private final ConcurrentHashMap<String, ObjectId> byJurisdictionName = new ConcurrentHashMap<>();

    public IdCodec(String namespace, String key, RandomGenerator random) {
        this.namespace = namespace;
        this.random = random;
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    public ObjectId fromName(String name) {
        checkName(name);
        return cached(byName, name, name, null);
    }

    /** The id of {@code name} within {@code jurisdiction}: not the id {@link #fromName(String)} gives. */
    public ObjectId fromName(String name, Jurisdiction jurisdiction) {
        if (jurisdiction == null) {
            return fromName(name);
        }
        checkName(name);
        return cached(byJurisdictionName, jurisdiction.code() + "\0" + name, name, jurisdiction);
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > ObjectId.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("an object name must have 1 to " + ObjectId.MAX_NAME_LENGTH
                    + " characters, got " + (name == null ? "none" : name.length()));
        }
    }

    private ObjectId cached(ConcurrentHashMap<String, ObjectId> ids, String key, String name, Jurisdiction jurisdiction) {
        ObjectId known = ids.get(key);
        if (known == null) {
            if (ids.size() >= NAMES_KEPT) {
                ids.clear(); // names are unbounded input: start over rather than track recency
            }
            known = derive(name, jurisdiction);
            ids.put(key, known);
        }
        return known;
    }

    private ObjectId derive(String name, Jurisdiction jurisdiction) {
        // The prefixes differ at their first byte, so no name of one jurisdiction derives another's body.
        String input = (jurisdiction == null ? "" : jurisdictionPrefix(jurisdiction)) + "name\0" + name;
        byte[] body = new byte[HALF];
        System.arraycopy(hmac(input.getBytes(StandardCharsets.UTF_8)), 0, body, 0, HALF);
        body[0] &= (byte) ~UNIQUE_BIT;
        return new ObjectId(namespace, seal(body, jurisdiction), name, jurisdiction);
    }

    private static String jurisdictionPrefix(Jurisdiction jurisdiction) {
        return "jurisdiction\0" + jurisdiction.code() + "\0";
    }

    public ObjectId newUnique(Jurisdiction jurisdiction) {
        byte[] body = new byte[HALF];
        random.nextBytes(body);
        int code = jurisdiction == null ? 0 : jurisdiction.ordinal() + 1;
        body[0] = (byte) (UNIQUE_BIT | (body[0] & 0x78) | code);
        return new ObjectId(namespace, seal(body, null), null, jurisdiction);
    }

    public ObjectId parse(String hex) {
        if (hex == null || hex.length() != 2 * 2 * HALF || !isLowerHex(hex)) {
            throw new InvalidIdException("malformed object id: expected 64 lowercase hex characters, got "
                    + (hex == null ? "none" : "'" + abbreviate(hex) + "' (" + hex.length() + " characters)"));
        }
        byte[] bytes = HEX.parseHex(hex);
        byte[] body = java.util.Arrays.copyOf(bytes, HALF);
        byte[] tag = java.util.Arrays.copyOfRange(bytes, HALF, 2 * HALF);
        if (MessageDigest.isEqual(tag, tag(body, null))) {
            Jurisdiction jurisdiction = null;
            int code = body[0] & JURISDICTION_MASK;
            if ((body[0] & UNIQUE_BIT) != 0 && code > 0 && code <= Jurisdiction.values().length) {
                jurisdiction = Jurisdiction.values()[code - 1];
            }
            return new ObjectId(namespace, hex, null, jurisdiction);
        }
        if ((body[0] & UNIQUE_BIT) == 0) {
            for (Jurisdiction jurisdiction : Jurisdiction.values()) {
                if (MessageDigest.isEqual(tag, tag(body, jurisdiction))) {
                    return new ObjectId(namespace, hex, null, jurisdiction);
                }
            }
        }
        throw new InvalidIdException("object id " + abbreviate(hex) + " was not minted by namespace '"
                + namespace + "' (a different namespace or key, or a mistyped id)");
    }

    private String seal(byte[] body, Jurisdiction namedIn) {
        byte[] id = new byte[2 * HALF];
        System.arraycopy(body, 0, id, 0, HALF);
        System.arraycopy(tag(body, namedIn), 0, id, HALF, HALF);
        return HEX.formatHex(id);
    }

    /** The tag of {@code body}; {@code namedIn} is the jurisdiction of a named id (null for every other id). */
    private byte[] tag(byte[] body, Jurisdiction namedIn) {
        byte[] input = body;
        if (namedIn != null) {
            byte[] prefix = jurisdictionPrefix(namedIn).getBytes(StandardCharsets.UTF_8);
            input = java.util.Arrays.copyOf(prefix, prefix.length + body.length);
            System.arraycopy(body, 0, input, prefix.length, body.length);
        }
        return java.util.Arrays.copyOf(hmac(input), HALF);
    }

    private byte[] hmac(byte[] input) {
        synchronized (mac) {
            return mac.doFinal(input);
        }
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
