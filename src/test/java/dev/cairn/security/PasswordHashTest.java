package dev.cairn.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Configured passwords: only their salted hash is configured, in the one documented shape. */
class PasswordHashTest {
    /** What the README's one-liner prints for salt 0011223344556677 and password s3cret. */
    private static final String HASH = "sha256:0011223344556677:" + HexFormat.of().formatHex(PasswordHash.digestOf("0011223344556677", "s3cret"));

    @Test
    void theHashedPasswordMatchesAndNoOtherDoes() {
        PasswordHash hash = PasswordHash.parse(HASH);
        assertTrue(hash.matches("s3cret".toCharArray()));
        assertFalse(hash.matches("s3cret ".toCharArray()));
        assertFalse(hash.matches("".toCharArray()));
    }

    @Test
    void anythingButTheDocumentedShapeIsRefusedSayingWhatIsExpected() {
        for (String bad : new String[] {"s3cret", "sha256:salt", "sha256::" + "0".repeat(64), "md5:salt:" + "0".repeat(64),
                "sha256:salt:" + "0".repeat(63)}) {
            var e = assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(bad), bad);
            assertEquals("a password hash must read sha256:<salt>:<64 hex digits of SHA-256(salt + password)>", e.getMessage());
        }
    }
}
