package dev.cairn.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.Admin;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Who may reach what, against the running service: the admin API requires role cairn-admin, the
 * test namespace {@code guarded} one of guard and cairn-admin (application.properties, %test), every
 * other endpoint is open. Credentials: the test profile's users (HTTP Basic) and JWTs signed with
 * src/test/resources/jwt/private.pem.
 */
@QuarkusTest
class AuthenticationTest {
    @Test
    void theAdminApiWithoutCredentialsAnswers401WithAProblemAndTheSchemesToUse() {
        var answer = given().get("/admin/alarms").then().statusCode(401);
        assertEquals(List.of("Basic realm=\"cairn\"", "Bearer"), answer.extract().headers().getValues("WWW-Authenticate"));
        answer.contentType("application/problem+json")
                .body("type", equalTo("https://cairn.dev/problems/unauthorized"))
                .body("status", equalTo(401))
                .body("detail", equalTo("the admin API requires authentication (HTTP Basic or a bearer JWT) with one of the roles"
                        + " [cairn-admin]: no credentials were sent"));
    }

    @Test
    void aConfiguredUserWithTheAdminRoleIsServed() {
        Admin.asAdmin().get("/admin/alarms").then().statusCode(200);
    }

    @Test
    void aWrongPasswordOrAnUnknownUserAnswers401() {
        basic(Admin.USER, "not-the-password").get("/admin/alarms").then().statusCode(401)
                .body("detail", containsString("the credentials sent were not accepted"));
        basic("nobody", Admin.PASSWORD).get("/admin/alarms").then().statusCode(401);
    }

    @Test
    void aUserWithoutTheAdminRoleAnswers403NamingTheRoleNeeded() {
        basic(Admin.VIEWER, Admin.VIEWER_PASSWORD).get("/admin/alarms").then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://cairn.dev/problems/forbidden"))
                .body("detail", equalTo("the admin API requires one of the roles [cairn-admin]; viewer has [viewer]"));
    }

    @Test
    void aBearerJwtIsServedByItsGroupsClaim() throws Exception {
        bearer(Tokens.issued("ops", Set.of("cairn-admin"), now())).get("/admin/alarms").then().statusCode(200);
        bearer(Tokens.issued("dev", Set.of("viewer"), now())).get("/admin/alarms").then().statusCode(403)
                .body("detail", containsString("dev has [viewer]"));
    }

    @Test
    void anExpiredForgedOrForeignJwtAnswers401() throws Exception {
        var admin = Set.of("cairn-admin");
        Instant anHourAgo = now().minus(Duration.ofHours(1));
        bearer(Tokens.sign(Tokens.testKey(), "RS256", null, Tokens.claims(Tokens.ISSUER, "ops", admin, anHourAgo)))
                .get("/admin/alarms").then().statusCode(401).body("detail", containsString("the bearer token expired at"));
        bearer(Tokens.sign(Tokens.testKey(), "RS256", null, Tokens.claims("https://elsewhere", "ops", admin, now().plusSeconds(60))))
                .get("/admin/alarms").then().statusCode(401).body("detail", containsString("issuer is \"https://elsewhere\", not https://cairn.test"));
        var forged = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        bearer(Tokens.sign(forged, "RS256", null, Tokens.claims(Tokens.ISSUER, "ops", admin, now().plusSeconds(60))))
                .get("/admin/alarms").then().statusCode(401).body("detail", containsString("signature does not verify"));
        bearer("not.a.token").get("/admin/alarms").then().statusCode(401);
    }

    @Test
    void aNamespaceWithRolesAllowedServesOnlyThoseRoles() throws Exception {
        String name = "g-" + UUID.randomUUID();
        given().get("/objects/guarded/{n}/fetch/x", name).then().statusCode(401)
                .body("detail", containsString("namespace guarded requires authentication"));
        basic(Admin.VIEWER, Admin.VIEWER_PASSWORD).get("/objects/guarded/{n}/fetch/x", name).then().statusCode(403)
                .body("detail", equalTo("namespace guarded requires one of the roles [cairn-admin, guard]; viewer has [viewer]"));
        bearer(Tokens.issued("app", Set.of("guard"), now()))
                .get("/objects/guarded/{n}/fetch/x", name).then().statusCode(200).body(equalTo("1"));
        Admin.asAdmin().get("/objects/guarded/{n}/fetch/x", name).then().statusCode(200).body(equalTo("2"));
    }

    @Test
    void aGuardedNamespacesWebSocketUpgradeWithoutCredentialsAnswers401() {
        given().header("Connection", "Upgrade").header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(new byte[16]))
                .get("/objects/guarded/{n}/ws", "g-" + UUID.randomUUID()).then().statusCode(401);
    }

    @Test
    void openEndpointsIgnoreCredentialsEvenBadOnes() {
        basic("nobody", "wrong").contentType("application/json").body("{}")
                .post("/objects/counter/{n}/increment", "c-" + UUID.randomUUID()).then().statusCode(200).body("value", equalTo(1));
        bearer("not.a.token").get("/q/health/ready").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/admin/alarms"));
        given().get("/cluster").then().statusCode(200).body("mode", equalTo("single"));
        given().get("/q/health").then().statusCode(200).body("checks.name", hasItems("cairn-data-dir"));
    }

    /** The service's clock, which the tests move (bearer tokens are checked against it). */
    private static Instant now() {
        return CairnTestKit.inQuarkus().clock().instant();
    }

    private static RequestSpecification basic(String user, String password) {
        return given().auth().preemptive().basic(user, password);
    }

    private static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }
}
