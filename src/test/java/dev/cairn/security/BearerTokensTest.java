package dev.cairn.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.testing.FakeClock;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which bearer JWTs verify, and why the others are refused; keys as issuers publish them (PEM, JWK sets over HTTP). */
class BearerTokensTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private final FakeClock clock = new FakeClock(NOW);
    private final KeyPair rsa = generate("RSA");
    private final KeyPair ec = generate("EC");

    @Test
    void aTokenSignedByAConfiguredKeyNamesItsCallerAndRoles() throws Exception {
        var tokens = tokens(jwks(jwk("r1", rsa), jwk("e1", ec)));
        var claims = Tokens.claims(Tokens.ISSUER, "service-7", Set.of("cairn-admin", "viewer"), NOW.plusSeconds(60));
        assertEquals(new Caller("service-7", Set.of("cairn-admin", "viewer")), verify(tokens, Tokens.sign(rsa.getPrivate(), "RS256", "r1", claims)));
        claims.put("preferred_username", "ops");
        claims.put("upn", "ops@example.com");
        assertEquals("ops@example.com", verify(tokens, Tokens.sign(ec.getPrivate(), "ES256", "e1", claims)).name());
        claims.remove("groups");
        assertEquals(Set.of(), verify(tokens, Tokens.sign(ec.getPrivate(), "ES256", null, claims)).roles());
    }

    @Test
    void unsignedSymmetricAndForgedTokensAreRefused() throws Exception {
        var tokens = tokens(pem(rsa));
        var claims = Tokens.claims(Tokens.ISSUER, "ops", Set.of("cairn-admin"), NOW.plusSeconds(60));
        String payload = Tokens.part(JSON.writeValueAsBytes(claims));
        assertRefused("alg none is not accepted", tokens, Tokens.part("{\"alg\":\"none\"}".getBytes()) + "." + payload + ".");
        assertRefused("alg HS256 is not accepted", tokens, Tokens.part("{\"alg\":\"HS256\"}".getBytes()) + "." + payload + ".c2ln");
        assertRefused("no configured key verifies ES256", tokens, Tokens.sign(ec.getPrivate(), "ES256", null, claims));
        String genuine = Tokens.sign(rsa.getPrivate(), "RS256", null, claims);
        claims.put("groups", Set.of("cairn-admin", "root"));
        String tampered = genuine.substring(0, genuine.indexOf('.') + 1) + Tokens.part(JSON.writeValueAsBytes(claims))
                + genuine.substring(genuine.lastIndexOf('.'));
        assertRefused("signature does not verify", tokens, tampered);
        assertRefused("not a signed JWT", tokens, "a.b.c.d.e");
    }

    @Test
    void timesAreCheckedWithinAMinuteOfSkew() throws Exception {
        var tokens = tokens(pem(rsa));
        var claims = Tokens.claims(Tokens.ISSUER, "ops", Set.of(), NOW.minusSeconds(30));
        verify(tokens, Tokens.sign(rsa.getPrivate(), "RS256", null, claims)); // expired 30 s ago: within the skew
        claims.put("exp", NOW.minusSeconds(61).getEpochSecond());
        assertRefused("expired at 2026-12-07T11:58:59Z", tokens, Tokens.sign(rsa.getPrivate(), "RS256", null, claims));
        claims.put("exp", NOW.plusSeconds(600).getEpochSecond());
        claims.put("nbf", NOW.plusSeconds(120).getEpochSecond());
        assertRefused("not valid before 2026-12-07T12:02:00Z", tokens, Tokens.sign(rsa.getPrivate(), "RS256", null, claims));
        claims.remove("nbf");
        claims.remove("exp");
        assertRefused("has no exp", tokens, Tokens.sign(rsa.getPrivate(), "RS256", null, claims));
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() throws Exception {
        var tokens = new BearerTokens(new KeySource.Fixed(VerificationKeys.parse(pem(rsa), JSON)), Optional.of(Tokens.ISSUER),
                Set.of("cairn"), JSON, clock);
        var claims = Tokens.claims(Tokens.ISSUER, "ops", Set.of(), NOW.plusSeconds(60));
        assertRefused("has no aud (audience) claim; it must name one of [cairn]", tokens, Tokens.sign(rsa.getPrivate(), "RS256", null, claims));
        claims.put("aud", "billing");
        assertRefused("audience \"billing\" includes none of [cairn]", tokens, Tokens.sign(rsa.getPrivate(), "RS256", null, claims));
        claims.put("aud", java.util.List.of("billing", "cairn"));
        verify(tokens, Tokens.sign(rsa.getPrivate(), "RS256", null, claims));
        claims.put("iss", "https://elsewhere");
        assertRefused("issuer is \"https://elsewhere\", not https://cairn.test", tokens, Tokens.sign(rsa.getPrivate(), "RS256", null, claims));
    }

    @Test
    void keysFromAnIssuersUrlAreFetchedOnceAndAgainForARotatedKeyAtMostEveryThirtySeconds() throws Exception {
        var published = new AtomicReference<>(jwks(jwk("old", rsa)));
        var fetches = new AtomicInteger();
        HttpServer issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        issuer.start();
        try {
            String url = "http://127.0.0.1:" + issuer.getAddress().getPort() + "/jwks.json";
            var tokens = new BearerTokens(KeySource.configured(null, url, JSON, clock), Optional.of(Tokens.ISSUER), Set.of(), JSON, clock);
            var claims = Tokens.claims(Tokens.ISSUER, "ops", Set.of(), NOW.plusSeconds(3600));
            verify(tokens, Tokens.sign(rsa.getPrivate(), "RS256", "old", claims));
            verify(tokens, Tokens.sign(rsa.getPrivate(), "RS256", "old", claims));
            assertEquals(1, fetches.get(), "the keys are fetched once");

            KeyPair rotated = generate("RSA");
            published.set(jwks(jwk("old", rsa), jwk("new", rotated)));
            String signedWithNew = Tokens.sign(rotated.getPrivate(), "RS256", "new", claims);
            assertRefused("no configured key verifies RS256 with kid new", tokens, signedWithNew);
            assertEquals(1, fetches.get(), "an unknown kid fetches again only 30 s after the last fetch");
            clock.advance(Duration.ofSeconds(30));
            assertEquals("ops", verify(tokens, signedWithNew).name());
            assertEquals(2, fetches.get());
        } finally {
            issuer.stop(0);
        }
    }

    @Test
    void keysThatCannotBeFetchedLeaveATokenUncheckedNotRefused() throws Exception {
        HttpServer issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer.createContext("/jwks.json", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        issuer.start();
        try {
            String url = "http://127.0.0.1:" + issuer.getAddress().getPort() + "/jwks.json";
            var tokens = new BearerTokens(KeySource.configured(null, url, JSON, clock), Optional.empty(), Set.of(), JSON, clock);
            String token = Tokens.sign(rsa.getPrivate(), "RS256", "old", Tokens.claims(Tokens.ISSUER, "ops", Set.of(), NOW.plusSeconds(3600)));

            var failure = assertThrows(CompletionException.class, () -> verify(tokens, token));

            assertTrue(failure.getCause() instanceof BearerTokens.KeysUnavailable, failure.getCause().toString());
            assertTrue(failure.getCause().getMessage().contains("could not be fetched"), failure.getCause().getMessage());
        } finally {
            issuer.stop(0);
        }
    }

    @Test
    void unreadableKeysStopStartUpSayingWhatIsRead() {
        var e = assertThrows(IllegalArgumentException.class, () -> KeySource.configured("-----BEGIN PUBLIC KEY-----\nbm9wZQ==\n-----END PUBLIC KEY-----",
                null, JSON, clock));
        assertTrue(e.getMessage().startsWith("mp.jwt.verify.publickey: not a public key Cairn can read (a PEM public key or certificate,"
                + " a JWK or a JWK set with RSA or EC keys)"), e.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> KeySource.configured(null, "no/such/key.pem", JSON, clock));
        assertTrue(missing.getMessage().startsWith("mp.jwt.verify.publickey.location=no/such/key.pem: no such file or classpath resource"),
                missing.getMessage());
    }

    @Test
    void theTestKeysPemResourceReadsAsConfigured() throws Exception {
        var tokens = new BearerTokens(KeySource.configured(null, "jwt/public.pem", JSON, clock), Optional.of(Tokens.ISSUER), Set.of(), JSON, clock);
        assertEquals("ops", verify(tokens, Tokens.issued("ops", Set.of("cairn-admin"), NOW)).name());
    }

    private BearerTokens tokens(String keys) {
        return new BearerTokens(new KeySource.Fixed(VerificationKeys.parse(keys, JSON)), Optional.empty(), Set.of(), JSON, clock);
    }

    private static Caller verify(BearerTokens tokens, String token) {
        return tokens.verify(token).toCompletableFuture().join();
    }

    private static void assertRefused(String why, BearerTokens tokens, String token) {
        var failure = assertThrows(CompletionException.class, () -> verify(tokens, token));
        assertTrue(failure.getCause() instanceof BearerTokens.Refused, failure.getCause().toString());
        assertTrue(failure.getCause().getMessage().contains(why), failure.getCause().getMessage());
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static String jwks(String... keys) {
        return "{\"keys\":[" + String.join(",", keys) + ",{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}";
    }

    private static String jwk(String kid, KeyPair pair) {
        return switch (pair.getPublic()) {
            case RSAPublicKey key -> "{\"kty\":\"RSA\",\"kid\":\"" + kid + "\",\"n\":\"" + b64(key.getModulus()) + "\",\"e\":\""
                    + b64(key.getPublicExponent()) + "\"}";
            case ECPublicKey key -> "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"" + kid + "\",\"x\":\"" + b64(key.getW().getAffineX())
                    + "\",\"y\":\"" + b64(key.getW().getAffineY()) + "\"}";
            default -> throw new IllegalArgumentException(pair.getPublic().toString());
        };
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return Tokens.part(bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes);
    }

    private static KeyPair generate(String algorithm) {
        try {
            var generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
