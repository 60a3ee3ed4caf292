package dev.cairn.rest;

import static dev.cairn.Admin.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Alarmed;
import dev.cairn.LogCapture;
import dev.cairn.api.Namespaces;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * {@code /admin/objects/{ns}/{id}/bookmark} and {@code …/restore}: an administrator's point-in-time
 * recovery of one object, which restarts restored; the answer's {@code undo} undoes it; what the history
 * cannot reach is a 400 that says why.
 */
@QuarkusTest
class ObjectRestoreTest {
    final CairnTestKit cairn = CairnTestKit.inQuarkus();

    @Inject
    Namespaces namespaces;

    @Test
    void anAdministratorRestoresAnObjectToABookmarkAndUndoesIt() {
        String name = UUID.randomUUID().toString();
        Stub<Alarmed> stub = cairn.get(Alarmed.class, name);
        write(stub, "before");
        String bookmark = asAdmin().get(path(name) + "/bookmark").then().statusCode(200).extract().path("bookmark");
        write(stub, "after");

        String undo;
        try (var log = new LogCapture("dev.cairn.service.NodeHoldings")) {
            undo = asAdmin().contentType(ContentType.JSON).body(Map.of("bookmark", bookmark)).post(path(name) + "/restore")
                    .then().statusCode(200).extract().path("undo");
            assertTrue(log.messages(Level.INFO).stream().anyMatch(m -> m.startsWith("admin restore by admin: alarmed/")
                    && m.contains(bookmark)), log.messages(Level.INFO).toString());
        }
        assertEquals("before", read(stub), "the object restarted restored");

        asAdmin().contentType(ContentType.JSON).body(Map.of("bookmark", undo)).post(path(name) + "/restore").then().statusCode(200);
        assertEquals("after", read(stub), "undone");
    }

    @Test
    void whatTheHistoryCannotReachIsA400ThatSaysWhy() {
        String name = UUID.randomUUID().toString();
        write(cairn.get(Alarmed.class, name), "x");
        asAdmin().contentType(ContentType.JSON).body(Map.of("bookmark", "last tuesday")).post(path(name) + "/restore")
                .then().statusCode(400).body("detail", containsString("is not a bookmark"));
        asAdmin().get(path(name) + "/bookmark?at=2000-01-01T00:00:00Z")
                .then().statusCode(400).body("detail", containsString("older than the history kept"));
        asAdmin().get(path(name) + "/bookmark?at=yesterday").then().statusCode(400).body("detail", containsString("is not a time"));
        asAdmin().get(path(UUID.randomUUID().toString()) + "/bookmark").then().statusCode(404);
        RestAssured.given().get(path(name) + "/bookmark").then().statusCode(401);
    }

    private static void write(Stub<Alarmed> stub, String value) {
        stub.call(a -> {
            a.ctx.storage().put("state", value);
            return null;
        });
    }

    private static String read(Stub<Alarmed> stub) {
        return stub.call(a -> a.ctx.storage().get("state", String.class));
    }

    private String path(String name) {
        return "/admin/objects/alarmed/" + namespaces.get("alarmed").idFromName(name);
    }
}
