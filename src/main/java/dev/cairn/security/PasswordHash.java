package dev.cairn.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A configured user's password, stored as {@code sha256:<salt>:<hex digest of salt followed by the
 * password>}, so the configuration never holds the password itself. Made with
 * {@code salt=$(openssl rand -hex 8); printf 'sha256:%s:%s\n' "$salt" "$(printf '%s' "$salt$PASSWORD" | sha256sum | cut -d' ' -f1)"}.
 */
record PasswordHash(String salt, byte[] digest) {
    static final String FORMAT = "sha256:<salt>:<64 hex digits of SHA-256(salt + password)>";
    private static final Pattern SHAPE = Pattern.compile("sha256:([^:]+):([0-9a-fA-F]{64})");

    /** The hash written as {@link #FORMAT}; anything else is refused with what was expected. */
    static PasswordHash parse(String text) {
        var m = SHAPE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("a password hash must read " + FORMAT);
        }
        return new PasswordHash(m.group(1), HexFormat.of().parseHex(m.group(2)));
    }

    /** Whether {@code password} is the one hashed, compared in constant time. */
    boolean matches(char[] password) {
        return MessageDigest.isEqual(digest, digestOf(salt, new String(password)));
    }

    static byte[] digestOf(String salt, String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest((salt + password).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
