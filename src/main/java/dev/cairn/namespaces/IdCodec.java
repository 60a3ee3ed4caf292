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
 * id keeps its jurisdiction in the low bits of its first byte.
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
        if (name == null || name.isEmpty() || name.length() > ObjectId.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("an object name must have 1 to " + ObjectId.MAX_NAME_LENGTH
                    + " characters, got " + (name == null ? "none" : name.length()));
        }
        ObjectId known = byName.get(name);
        if (known == null) {
            if (byName.size() >= NAMES_KEPT) {
                byName.clear(); // names are unbounded input: start over rather than track recency
            }
            known = derive(name);
            byName.put(name, known);
        }
        return known;
    }

    private ObjectId derive(String name) {
        byte[] body = new byte[HALF];
        System.arraycopy(hmac(("name\0" + name).getBytes(StandardCharsets.UTF_8)), 0, body, 0, HALF);
        body[0] &= (byte) ~UNIQUE_BIT;
        return new ObjectId(namespace, seal(body), name, null);
    }

    public ObjectId newUnique(Jurisdiction jurisdiction) {
        byte[] body = new byte[HALF];
        random.nextBytes(body);
        int code = jurisdiction == null ? 0 : jurisdiction.ordinal() + 1;
        body[0] = (byte) (UNIQUE_BIT | (body[0] & 0x78) | code);
        return new ObjectId(namespace, seal(body), null, jurisdiction);
    }

    public ObjectId parse(String hex) {
        if (hex == null || hex.length() != 2 * 2 * HALF || !isLowerHex(hex)) {
            throw new InvalidIdException("malformed object id: expected 64 lowercase hex characters, got "
                    + (hex == null ? "none" : "'" + abbreviate(hex) + "' (" + hex.length() + " characters)"));
        }
        byte[] bytes = HEX.parseHex(hex);
        byte[] body = java.util.Arrays.copyOf(bytes, HALF);
        byte[] tag = java.util.Arrays.copyOfRange(bytes, HALF, 2 * HALF);
        if (!MessageDigest.isEqual(tag, java.util.Arrays.copyOf(hmac(body), HALF))) {
            throw new InvalidIdException("object id " + abbreviate(hex) + " was not minted by namespace '"
                    + namespace + "' (a different namespace or key, or a mistyped id)");
        }
        Jurisdiction jurisdiction = null;
        int code = body[0] & JURISDICTION_MASK;
        if ((body[0] & UNIQUE_BIT) != 0 && code > 0 && code <= Jurisdiction.values().length) {
            jurisdiction = Jurisdiction.values()[code - 1];
        }
        return new ObjectId(namespace, hex, null, jurisdiction);
    }

    private String seal(byte[] body) {
        byte[] id = new byte[2 * HALF];
        System.arraycopy(body, 0, id, 0, HALF);
        System.arraycopy(hmac(body), 0, id, HALF, HALF);
        return HEX.formatHex(id);
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
