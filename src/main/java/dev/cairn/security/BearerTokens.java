package dev.cairn.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Verifies bearer JWTs (signed, compact form) as MicroProfile JWT does: the signature with a configured
 * public key (RS256/384/512 or ES256/384/512, by the token's {@code alg}; never {@code none} or a shared
 * secret), {@code exp} required and not past, {@code nbf} and {@code iat} not in the future (each within
 * {@link #CLOCK_SKEW}), {@code iss} and {@code aud} when configured. The caller is named by {@code upn},
 * {@code preferred_username} or {@code sub}; its roles are the {@code groups} claim. Immutable; called on
 * event-loop threads (a signature check takes tens of microseconds).
 */
final class BearerTokens {
    /** How far a token's times may be off this node's clock. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    /** A token refused; the message says why, for the 401's detail. */
    static final class Refused extends RuntimeException {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * No key to check a token against, because the issuer's keys could not be fetched: not the caller's
     * fault, so it is not a 401; the message says why, for the 503's detail.
     */
    static final class KeysUnavailable extends RuntimeException {
        KeysUnavailable(String why) {
            super(why, null, false, false);
        }
    }

    private enum Algorithm {
        RS256("SHA256withRSA", RSAPublicKey.class), RS384("SHA384withRSA", RSAPublicKey.class), RS512("SHA512withRSA", RSAPublicKey.class),
        ES256("SHA256withECDSAinP1363Format", ECPublicKey.class), ES384("SHA384withECDSAinP1363Format", ECPublicKey.class),
        ES512("SHA512withECDSAinP1363Format", ECPublicKey.class);

        final String jca;
        final Class<?> keyType;

        Algorithm(String jca, Class<?> keyType) {
            this.jca = jca;
            this.keyType = keyType;
        }
    }

    private final KeySource keys;
    private final Optional<String> issuer;
    private final Set<String> audiences;
    private final ObjectMapper json;
    private final InstantSource clock;

    /** {@code audiences}: empty to accept any. */
    BearerTokens(KeySource keys, Optional<String> issuer, Set<String> audiences, ObjectMapper json, InstantSource clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audiences = Set.copyOf(audiences);
        this.json = json;
        this.clock = clock;
    }

    /** The token's caller; fails with {@link Refused} saying what was wrong, or {@link KeysUnavailable}. */
    CompletionStage<Caller> verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return CompletableFuture.failedFuture(new Refused("the bearer token is not a signed JWT (three base64url parts joined by dots)"));
        }
        JsonNode header;
        Algorithm algorithm;
        try {
            header = decode(parts[0], "header");
            algorithm = algorithmOf(header);
        } catch (Refused e) {
            return CompletableFuture.failedFuture(e);
        }
        String kid = header.hasNonNull("kid") ? header.get("kid").asText() : null;
        return keys.keys(false).thenCompose(known -> candidates(known, algorithm, kid).isEmpty() && kid != null
                        ? keys.keys(true) : CompletableFuture.completedFuture(known))
                .handle((known, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        throw new KeysUnavailable("the keys that verify bearer tokens could not be fetched (" + cause.getMessage() + ")");
                    }
                    return caller(parts, algorithm, candidates(known, algorithm, kid), kid);
                });
    }

    private Caller caller(String[] parts, Algorithm algorithm, List<VerificationKeys.Key> candidates, String kid) {
        if (candidates.isEmpty()) {
            throw new Refused("no configured key verifies " + algorithm + (kid == null ? "" : " with kid " + kid));
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = base64(parts[2], "signature");
        if (candidates.stream().noneMatch(key -> verifies(algorithm, key, signed, signature))) {
            throw new Refused("the bearer token's signature does not verify with the configured key");
        }
        return claims(decode(parts[1], "payload"));
    }

    private Caller claims(JsonNode claims) {
        Instant now = clock.instant();
        if (!claims.path("exp").isNumber()) {
            throw new Refused("the bearer token has no exp (expiry) claim");
        }
        Instant expires = Instant.ofEpochSecond(claims.get("exp").asLong());
        if (now.isAfter(expires.plus(CLOCK_SKEW))) {
            throw new Refused("the bearer token expired at " + expires);
        }
        if (claims.path("nbf").isNumber() && now.plus(CLOCK_SKEW).isBefore(Instant.ofEpochSecond(claims.get("nbf").asLong()))) {
            throw new Refused("the bearer token is not valid before " + Instant.ofEpochSecond(claims.get("nbf").asLong()));
        }
        if (claims.path("iat").isNumber() && now.plus(CLOCK_SKEW).isBefore(Instant.ofEpochSecond(claims.get("iat").asLong()))) {
            throw new Refused("the bearer token was issued in the future (" + Instant.ofEpochSecond(claims.get("iat").asLong()) + ")");
        }
        issuer.ifPresent(expected -> {
            if (!expected.equals(claims.path("iss").asText(null))) {
                throw new Refused("the bearer token's issuer is " + claims.path("iss") + ", not " + expected);
            }
        });
        if (!audiences.isEmpty() && strings(claims.path("aud")).stream().noneMatch(audiences::contains)) {
            throw new Refused(claims.has("aud") ? "the bearer token's audience " + claims.get("aud") + " includes none of " + new TreeSet<>(audiences)
                    : "the bearer token has no aud (audience) claim; it must name one of " + new TreeSet<>(audiences));
        }
        String name = firstText(claims, "upn", "preferred_username", "sub");
        if (name == null) {
            throw new Refused("the bearer token names no caller (upn, preferred_username or sub)");
        }
        return new Caller(name, strings(claims.path("groups")));
    }

    private static Set<String> strings(JsonNode node) {
        Set<String> values = new HashSet<>();
        if (node.isTextual()) {
            values.add(node.asText());
        }
        node.forEach(each -> {
            if (each.isTextual()) {
                values.add(each.asText());
            }
        });
        return values;
    }

    private static String firstText(JsonNode claims, String... names) {
        for (String name : names) {
            if (claims.path(name).isTextual()) {
                return claims.get(name).asText();
            }
        }
        return null;
    }

    private static Algorithm algorithmOf(JsonNode header) {
        String alg = header.path("alg").asText("");
        if (header.has("crit")) {
            throw new Refused("the bearer token's header has crit extensions, which Cairn does not understand");
        }
        try {
            return Algorithm.valueOf(alg);
        } catch (IllegalArgumentException e) {
            throw new Refused("the bearer token's alg " + (alg.isEmpty() ? "(none)" : alg) + " is not accepted (one of "
                    + List.of(Algorithm.values()) + ")");
        }
    }

    private static List<VerificationKeys.Key> candidates(List<VerificationKeys.Key> known, Algorithm algorithm, String kid) {
        return known.stream().filter(key -> algorithm.keyType.isInstance(key.key()))
                .filter(key -> kid == null || key.kid() == null || key.kid().equals(kid)).toList();
    }

    private static boolean verifies(Algorithm algorithm, VerificationKeys.Key key, byte[] signed, byte[] signature) {
        try {
            var verifier = Signature.getInstance(algorithm.jca);
            verifier.initVerify(key.key());
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a key of another curve or size, or a signature of the wrong length
        }
    }

    private JsonNode decode(String part, String what) {
        try {
            JsonNode node = json.readTree(base64(part, what));
            if (node == null || !node.isObject()) {
                throw new Refused("the bearer token's " + what + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new Refused("the bearer token's " + what + " is not JSON");
        }
    }

    private static byte[] base64(String part, String what) {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new Refused("the bearer token's " + what + " is not base64url");
        }
    }
}
