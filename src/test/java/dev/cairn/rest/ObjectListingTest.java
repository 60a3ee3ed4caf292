package dev.cairn.rest;

import static dev.cairn.Admin.asAdmin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.Admin;
import dev.cairn.Alarmed;
import dev.cairn.MetricsScrape;
import dev.cairn.api.Namespaces;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/namespaces} and {@code GET /admin/namespaces/{ns}/objects}: what the node stores, from its inventory. */
@QuarkusTest
class ObjectListingTest {
    final CairnTestKit cairn = CairnTestKit.inQuarkus();

    @Inject
    Namespaces namespaces;
    @Inject
    InstantSource clock;

    @Test
    void objectsAreListedByNameWithSizeLastWriteActivityAndAlarm() {
        String tag = UUID.randomUUID().toString();
        Instant alarm = clock.instant().plus(3650, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        for (String suffix : List.of("b", "a", "c")) {
            cairn.get(Alarmed.class, tag + "-" + suffix).call(a -> {
                if (suffix.equals("a")) {
                    a.ctx.storage().setAlarm(alarm);
                } else {
                    a.ctx.storage().put("touched", true);
                }
                return null;
            });
        }
        JsonPath page = asAdmin().queryParam("prefix", tag).get("/admin/namespaces/alarmed/objects").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(tag + "-a", tag + "-b", tag + "-c"), page.getList("objects.name", String.class));
        assertEquals(namespaces.get("alarmed").idFromName(tag + "-a").toString(), page.getString("objects[0].id"));
        assertEquals(alarm.toString(), page.getString("objects[0].alarm"));
        assertNull(page.getString("objects[1].alarm"));
        for (int i = 0; i < 3; i++) {
            assertTrue(page.getLong("objects[" + i + "].bytes") >= 4096, page.prettify());
            assertNotNull(page.getString("objects[" + i + "].lastWrite"), page.prettify());
            assertTrue(page.getBoolean("objects[" + i + "].active"), "just called: " + page.prettify());
            assertEquals(0, page.getInt("objects[" + i + "].openSockets"));
        }
        assertNull(page.getString("nextCursor"));
    }

    @Test
    void theNamespaceSummaryCountsStoredObjectsAndTheMetersFollow() {
        String tag = UUID.randomUUID().toString();
        cairn.get(Alarmed.class, tag).call(a -> {
            a.ctx.storage().put("k", "v");
            return null;
        });
        JsonPath summary = asAdmin().get("/admin/namespaces").then().statusCode(200).extract().jsonPath();
        Map<String, Object> alarmed = summary.getMap("find { it.namespace == 'alarmed' }");
        assertEquals(Alarmed.class.getName(), alarmed.get("className"));
        long stored = ((Number) alarmed.get("objectsStored")).longValue();
        assertTrue(stored >= 1, summary.prettify());
        assertTrue(((Number) alarmed.get("activeObjects")).intValue() >= 1, summary.prettify());
        // The summary flushed the inventory: the meters read the same totals.
        MetricsScrape scrape = MetricsScrape.now();
        assertTrue(scrape.value("cairn_objects_stored", "namespace", "alarmed") >= stored);
        assertTrue(scrape.value("cairn_storage_bytes", "namespace", "alarmed") >= 4096);
    }

    @Test
    void badListingsAreRefusedSayingWhatIsAllowed() {
        asAdmin().queryParam("cursor", "nonsense").get("/admin/namespaces/alarmed/objects").then().statusCode(400)
                .body("detail", containsString("pass the nextCursor of the previous page unchanged"));
        String byId = asAdmin().queryParam("limit", 1).get("/admin/namespaces/alarmed/objects").then().statusCode(200)
                .extract().path("nextCursor");
        asAdmin().queryParam("cursor", byId).queryParam("prefix", "x").get("/admin/namespaces/alarmed/objects").then()
                .statusCode(400).body("detail", containsString("without a name prefix"));
        asAdmin().queryParam("limit", 1001).get("/admin/namespaces/alarmed/objects").then().statusCode(400)
                .body("detail", equalTo("limit: must be at most 1000, got 1001"));
        asAdmin().get("/admin/namespaces/nope/objects").then().statusCode(404).body("detail", containsString("unknown namespace 'nope'"));
        given().auth().preemptive().basic(Admin.VIEWER, Admin.VIEWER_PASSWORD).get("/admin/namespaces").then().statusCode(403);
        given().get("/admin/namespaces/alarmed/objects").then().statusCode(401);
    }
}
