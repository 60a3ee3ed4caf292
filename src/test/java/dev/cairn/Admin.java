package dev.cairn;

import static io.restassured.RestAssured.given;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** The test profile's users (application.properties, %test.cairn.security.users): requests sent as them. */
public final class Admin {
    /** A user with role cairn-admin. */
    public static final String USER = "admin";
    public static final String PASSWORD = "admin-secret";
    /** A user with role viewer only. */
    public static final String VIEWER = "viewer";
    public static final String VIEWER_PASSWORD = "viewer-secret";

    private Admin() {}

    /**
     * The settings of the admin user, for a packaged service (a {@code @QuarkusIntegrationTest}) started
     * without the test profile: the same user as the test profile's, its hash made from a fixed salt.
     */
    public static final class UserProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String salt = "itsalt";
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest((salt + PASSWORD).getBytes(StandardCharsets.UTF_8));
                return Map.of("cairn.security.users." + USER + ".password-hash", "sha256:" + salt + ":" + HexFormat.of().formatHex(digest),
                        "cairn.security.users." + USER + ".roles", "cairn-admin");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A request with the admin's HTTP Basic credentials. */
    public static RequestSpecification asAdmin() {
        return given().auth().preemptive().basic(USER, PASSWORD);
    }
}
