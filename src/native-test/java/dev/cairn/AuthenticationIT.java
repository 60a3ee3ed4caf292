package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.security.Tokens;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication on the packaged service: secure by default (no credentials configured: the admin API
 * answers 401 to everyone and the start-up log says how to enable it); with a configured user, the
 * admin API and a namespace declared with {@code roles-allowed} serve that user alone, and other
 * namespaces stay open; a bearer JWT verifies against the configured PEM key (JDK crypto in the binary).
 */
class AuthenticationIT {
    @TempDir
    Path data;

    @Test
    void withoutConfiguredCredentialsTheAdminApiAnswers401AndTheLogSaysHowToEnableIt() throws Exception {
        try (var cairn = CairnProcess.start(data).awaitListening()) {
            var refused = cairn.send("GET", "/admin/alarms", null);
            assertEquals(401, refused.statusCode(), refused.body());
            assertEquals("application/problem+json", refused.headers().firstValue("content-type").orElseThrow());
            assertTrue(refused.body().contains("\"type\":\"https://cairn.dev/problems/unauthorized\""), refused.body());
            var guessed = cairn.send("GET", "/admin/alarms", null, "Authorization", "Basic YWRtaW46YWRtaW4="); // admin:admin
            assertEquals(401, guessed.statusCode(), guessed.body());
            assertTrue(cairn.output().contains("the admin API (/admin/*) answers 401 to everyone: no credentials are configured"),
                    cairn.output());
        }
    }

    @Test
    void aConfiguredUserReachesTheAdminApiAndAGuardedNamespaceWhichAnswer401WithoutIt() throws Exception {
        try (var cairn = CairnProcess.start(data, CairnProcess.withAdmin("cairn.namespaces.counter.roles-allowed=cairn-admin"))
                .awaitListening()) {
            assertEquals(401, cairn.send("GET", "/admin/alarms", null).statusCode());
            var alarms = cairn.sendAsAdmin("GET", "/admin/alarms", null);
            assertEquals(200, alarms.statusCode(), alarms.body());
            assertEquals("[]", alarms.body());

            var anonymous = cairn.send("POST", "/objects/counter/guarded/increment", "{}");
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertTrue(anonymous.body().contains("namespace counter requires authentication"), anonymous.body());
            var admitted = cairn.sendAsAdmin("POST", "/objects/counter/guarded/increment", "{}");
            assertEquals(200, admitted.statusCode(), admitted.body());
            assertEquals("{\"value\":1}", admitted.body(), "the refused call changed nothing");

            var open = cairn.send("PUT", "/objects/kv/open/keys/k", "\"v\"");
            assertTrue(open.statusCode() < 300, open.statusCode() + " " + open.body());
        }
    }

    @Test
    void aBearerJwtFromTheConfiguredIssuerIsVerifiedByItsKeyAndServedByItsGroups() throws Exception {
        String key = Path.of("src/test/resources/jwt/public.pem").toAbsolutePath().toString();
        try (var cairn = CairnProcess.start(data, "mp.jwt.verify.publickey.location=" + key, "mp.jwt.verify.issuer=" + Tokens.ISSUER)
                .awaitListening()) {
            Instant now = Instant.now();
            var admitted = cairn.send("GET", "/admin/alarms", null, "Authorization", "Bearer " + Tokens.issued("ops", Set.of("cairn-admin"), now));
            assertEquals(200, admitted.statusCode(), admitted.body());
            var viewer = cairn.send("GET", "/admin/alarms", null, "Authorization", "Bearer " + Tokens.issued("dev", Set.of("viewer"), now));
            assertEquals(403, viewer.statusCode(), viewer.body());
            var expired = cairn.send("GET", "/admin/alarms", null, "Authorization",
                    "Bearer " + Tokens.issued("ops", Set.of("cairn-admin"), now.minusSeconds(7200)));
            assertEquals(401, expired.statusCode(), expired.body());
            assertTrue(expired.body().contains("the bearer token expired at"), expired.body());
        }
    }
}
