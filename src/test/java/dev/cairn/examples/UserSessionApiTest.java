package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cairn.api.Alarms;
import dev.cairn.api.Namespaces;
import dev.cairn.api.ObjectId;
import dev.cairn.api.PendingAlarm;
import dev.cairn.api.Refusal;
import dev.cairn.api.Stub;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The UserSession example: values live for their TTL and not a moment longer; the rows are removed
 * by a cleanup alarm kept at the earliest expiry. The node's clock is moved and due alarms are fired
 * by hand; the object is also called directly to count the rows it still stores.
 */
@QuarkusTest
class UserSessionApiTest {
    /** The running service's node, and its clock, which stands still until a test moves it. */
    private final CairnTestKit cairn = CairnTestKit.inQuarkus();

    @Inject
    Alarms alarms;

    @Inject
    Namespaces namespaces;

    private static void put(String session, String key, String valueJson, long ttlMs) {
        given().contentType(ContentType.JSON).body("{\"value\": " + valueJson + ", \"ttlMs\": " + ttlMs + "}")
                .put("/objects/session/{s}/values/{k}", session, key).then().statusCode(204);
    }

    private static List<String> liveKeys(String session) {
        return given().get("/objects/session/{s}/values", session).then().statusCode(200).extract().jsonPath().getList("key");
    }

    private Stub<UserSession> session(String name) {
        return namespaces.of(UserSession.class).getByName(name);
    }

    /** When the session's cleanup alarm is set for, as the node's alarm index holds it. */
    private Optional<Instant> cleanupAt(String name) {
        ObjectId id = namespaces.of(UserSession.class).idFromName(name);
        return alarms.pending(Optional.of("session"), 100_000).stream().filter(p -> p.id().equals(id))
                .map(PendingAlarm::scheduledTime).findFirst();
    }

    @Test
    void aValueLivesForItsTtlAndTheCleanupAlarmRemovesItsRowThenMovesToTheNextExpiry() {
        String name = "session-" + UUID.randomUUID();
        put(name, "user", "{\"id\": 42, \"roles\": [\"admin\"]}", 60_000);
        put(name, "cart", "[1, 2, 3]", 120_000);
        Instant userExpires = Instant.parse(given().get("/objects/session/{s}/values/user", name).then().statusCode(200)
                .body("key", equalTo("user")).body("value.id", equalTo(42)).body("value.roles", equalTo(List.of("admin")))
                .extract().path("expiresAt"));
        Instant cartExpires = Instant.parse(given().get("/objects/session/{s}/values/cart", name).then().statusCode(200)
                .body("value", equalTo(List.of(1, 2, 3))).extract().path("expiresAt"));
        assertEquals(List.of("cart", "user"), liveKeys(name), "live values, in key order");
        assertEquals(Optional.of(userExpires), cleanupAt(name), "the cleanup alarm is set to the earliest expiry");

        cairn.clock().advanceTo(userExpires);
        given().get("/objects/session/{s}/values/user", name).then().statusCode(404).body("type", equalTo("https://cairn.dev/problems/not-found"))
                .body("detail", equalTo("no live value 'user' in session '" + name + "' (never set, deleted or expired)"));
        assertEquals(List.of("cart"), liveKeys(name));

        cairn.fireDueAlarms();
        assertEquals(1, session(name).call(UserSession::storedCount), "the cleanup removed the expired row");
        assertEquals(Optional.of(cartExpires), cleanupAt(name), "and set the alarm to the next expiry");

        cairn.clock().advanceTo(cartExpires);
        given().get("/objects/session/{s}/values/cart", name).then().statusCode(404);
        cairn.fireDueAlarms();
        assertEquals(0, session(name).call(UserSession::storedCount));
        assertEquals(Optional.empty(), cleanupAt(name), "nothing left to clean: no alarm");
    }

    private static boolean readable(UserSession session, String key) {
        try {
            session.getSessionValue(key);
            return true;
        } catch (Refusal notFound) {
            return false;
        }
    }

    @Test
    void anExpiredValueIsInvisibleAtOnceEvenBeforeTheCleanupRemovedIt() {
        String name = "session-" + UUID.randomUUID();
        put(name, "token", "\"abc\"", 60_000);
        // One event: the clock passes the expiry inside it, so no alarm can run in between.
        var seen = session(name).call(s -> {
            cairn.clock().advance(Duration.ofMillis(60_000));
            return Map.entry(readable(s, "token") || !s.listSessionValues().isEmpty(), s.storedCount());
        });
        assertFalse(seen.getKey(), "expired: neither read nor listed");
        assertEquals(1, seen.getValue(), "while its row is still stored");
        cairn.fireDueAlarms();
        assertEquals(0, session(name).call(UserSession::storedCount));
    }

    @Test
    void puttingAgainReplacesTheValueAndItsExpiryAndMovesTheCleanup() {
        String name = "session-" + UUID.randomUUID();
        put(name, "k", "1", 10_000);
        put(name, "k", "{\"v\": 2}", 600_000);
        Instant expires = Instant.parse(given().get("/objects/session/{s}/values/k", name).then().statusCode(200)
                .body("value.v", equalTo(2)).extract().path("expiresAt"));
        assertEquals(Optional.of(expires), cleanupAt(name), "the alarm follows the new, later expiry");
        cairn.clock().advance(Duration.ofSeconds(30));
        cairn.fireDueAlarms();
        given().get("/objects/session/{s}/values/k", name).then().statusCode(200).body("value.v", equalTo(2));
        assertEquals(1, session(name).call(UserSession::storedCount));
    }

    @Test
    void deletingALiveValueSaysSoAndTheLastDeleteRemovesTheAlarm() {
        String name = "session-" + UUID.randomUUID();
        put(name, "a/b", "true", 60_000);
        String key = "/objects/session/" + name + "/values/a%2Fb"; // a key is one path segment: '/' percent-encoded
        given().urlEncodingEnabled(false).get(key).then().statusCode(200).body("key", equalTo("a/b"));
        given().urlEncodingEnabled(false).delete(key).then().statusCode(200).body("deleted", equalTo(true));
        given().urlEncodingEnabled(false).delete(key).then().statusCode(200).body("deleted", equalTo(false));
        given().urlEncodingEnabled(false).get(key).then().statusCode(404);
        assertEquals(Optional.empty(), cleanupAt(name));
    }

    @Test
    void inputOutsideTheContractIsA400AndStoresNothing() {
        String name = "session-" + UUID.randomUUID();
        String values = "/objects/session/" + name + "/values/";
        given().contentType(ContentType.JSON).body("{\"value\": 1, \"ttlMs\": 0}").put(values + "k").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"value\": 1, \"ttlMs\": 2592000001}").put(values + "k").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"value\": null, \"ttlMs\": 1000}").put(values + "k").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"value\": 1, \"ttlMs\": 1000}").put(values + "k".repeat(257)).then().statusCode(400);
        assertEquals(List.of(), liveKeys(name));
    }

    @Test
    void aValueTooLongWrittenAsJsonIsRefusedByTheObjectWithWhatIsAllowed() {
        String name = "session-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body("{\"value\": \"" + "x".repeat(65_535) + "\", \"ttlMs\": 1000}")
                .put("/objects/session/{s}/values/k", name)
                .then().statusCode(400).body("detail", equalTo("value must be at most 65536 characters written as JSON, got 65537"));
        assertEquals(List.of(), liveKeys(name));
    }
}
