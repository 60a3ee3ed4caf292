package dev.cairn.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Public keys that verify bearer tokens, read from the text an issuer publishes: a PEM public key or
 * certificate, a JWK, or a JWK set ({@code {"keys": [...]}}), as {@code mp.jwt.verify.publickey} or
 * the document at {@code mp.jwt.verify.publickey.location}. RSA and EC (P-256, P-384, P-521) keys;
 * other JWKs in a set (symmetric, OKP) are skipped, since Cairn verifies only with public keys. Stateless.
 */
final class VerificationKeys {
    /** A key and the id a token's header names it by ({@code kid}; null when the source gives none). */
    record Key(String kid, PublicKey key) {}

    private static final Map<String, String> CURVES = Map.of("P-256", "secp256r1", "P-384", "secp384r1", "P-521", "secp521r1");

    private VerificationKeys() {
    }

    /** The keys in {@code text}; refused with what was wrong and which formats are read. */
    static List<Key> parse(String text, ObjectMapper json) {
        String trimmed = text.strip();
        try {
            if (trimmed.startsWith("{")) {
                return fromJson(json.readTree(trimmed));
            }
            if (trimmed.contains("-----BEGIN CERTIFICATE-----")) {
                var certificate = CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(trimmed.getBytes(StandardCharsets.US_ASCII)));
                return List.of(new Key(null, certificate.getPublicKey()));
            }
            byte[] der = Base64.getMimeDecoder().decode(trimmed.replaceAll("-----[A-Z ]+-----", ""));
            if (der.length > 0 && der[0] == '{') {
                return fromJson(json.readTree(der)); // a base64-encoded JWK or JWK set
            }
            return List.of(new Key(null, x509(der)));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a public key Cairn can read (a PEM public key or certificate, a JWK or a JWK set"
                    + " with RSA or EC keys): " + e.getMessage(), e);
        }
    }

    private static List<Key> fromJson(JsonNode node) throws GeneralSecurityException {
        if (!node.has("keys")) {
            return List.of(jwk(node));
        }
        List<Key> keys = new ArrayList<>();
        for (JsonNode each : node.get("keys")) {
            String kty = each.path("kty").asText();
            if ((kty.equals("RSA") || kty.equals("EC")) && !each.path("use").asText("sig").equals("enc")) {
                keys.add(jwk(each));
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the JWK set holds no RSA or EC signing key");
        }
        return keys;
    }

    private static Key jwk(JsonNode node) throws GeneralSecurityException {
        String kid = node.hasNonNull("kid") ? node.get("kid").asText() : null;
        return switch (node.path("kty").asText()) {
            case "RSA" -> new Key(kid, KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(unsigned(node, "n"), unsigned(node, "e"))));
            case "EC" -> {
                String curve = CURVES.get(node.path("crv").asText());
                if (curve == null) {
                    throw new IllegalArgumentException("the EC key's crv " + node.path("crv") + " is not one of " + CURVES.keySet());
                }
                var parameters = AlgorithmParameters.getInstance("EC");
                parameters.init(new ECGenParameterSpec(curve));
                var point = new ECPoint(unsigned(node, "x"), unsigned(node, "y"));
                yield new Key(kid, KeyFactory.getInstance("EC").generatePublic(
                        new ECPublicKeySpec(point, parameters.getParameterSpec(ECParameterSpec.class))));
            }
            default -> throw new IllegalArgumentException("the JWK's kty " + node.path("kty") + " is not RSA or EC");
        };
    }

    private static BigInteger unsigned(JsonNode node, String field) {
        if (!node.hasNonNull(field)) {
            throw new IllegalArgumentException("the JWK has no " + field);
        }
        return new BigInteger(1, Base64.getUrlDecoder().decode(node.get(field).asText()));
    }

    private static PublicKey x509(byte[] der) throws GeneralSecurityException {
        var spec = new X509EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }
}
