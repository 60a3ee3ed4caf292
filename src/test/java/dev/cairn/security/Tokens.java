package dev.cairn.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Signs JWTs for the tests, as an issuer would: RS256 with src/test/resources/jwt/private.pem (whose
 * public half is src/test/resources/jwt/public.pem), or any key and algorithm.
 */
public final class Tokens {
    public static final String ISSUER = "https://cairn.test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Tokens() {
    }

    /** A token of the test issuer for {@code subject} with {@code groups}, valid for an hour from {@code now}. */
    public static String issued(String subject, Set<String> groups, Instant now) throws Exception {
        return sign(testKey(), "RS256", null, claims(ISSUER, subject, groups, now.plusSeconds(3600)));
    }

    static Map<String, Object> claims(String issuer, String subject, Set<String> groups, Instant expires) {
        var claims = new LinkedHashMap<String, Object>();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("groups", groups);
        claims.put("iat", expires.getEpochSecond() - 3600);
        claims.put("exp", expires.getEpochSecond());
        return claims;
    }

    static String sign(PrivateKey key, String alg, String kid, Map<String, Object> claims) throws Exception {
        var header = new LinkedHashMap<String, Object>();
        header.put("alg", alg);
        header.put("typ", "JWT");
        if (kid != null) {
            header.put("kid", kid);
        }
        String signed = part(JSON.writeValueAsBytes(header)) + "." + part(JSON.writeValueAsBytes(claims));
        var signer = Signature.getInstance(switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "ES256" -> "SHA256withECDSAinP1363Format";
            default -> throw new IllegalArgumentException(alg);
        });
        signer.initSign(key);
        signer.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + part(signer.sign());
    }

    static String part(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static PrivateKey testKey() throws Exception {
        String pem = Files.readString(Path.of("src/test/resources/jwt/private.pem"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
