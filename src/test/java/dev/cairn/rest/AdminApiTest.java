package dev.cairn.rest;

import static dev.cairn.Admin.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.Alarmed;
import dev.cairn.api.Namespaces;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/alarms}: pending alarms from the node's index, soonest first. */
@QuarkusTest
class AdminApiTest {
    final CairnTestKit cairn = CairnTestKit.inQuarkus();

    @Inject
    Namespaces namespaces;
    @Inject
    InstantSource clock;

    @Test
    void pendingAlarmsAreListedSoonestFirstWithNameAndTimes() {
        String tag = UUID.randomUUID().toString();
        Instant base = clock.instant().plus(3650, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        for (int i : new int[] {2, 0, 1}) {
            Instant at = base.plusSeconds(i);
            cairn.get(Alarmed.class, tag + "-" + i).call(a -> {
                a.ctx.storage().setAlarm(at);
                return null;
            });
        }
        List<String> names = asAdmin().queryParam("namespace", "alarmed").queryParam("limit", 10000)
                .get("/admin/alarms").then().statusCode(200).extract().jsonPath().getList("name", String.class);
        assertEquals(List.of(tag + "-0", tag + "-1", tag + "-2"), names.stream().filter(n -> n != null && n.startsWith(tag)).toList());
        asAdmin().queryParam("namespace", "alarmed").queryParam("limit", 10000).get("/admin/alarms").then()
                .body("find { it.name == '" + tag + "-1' }.namespace", equalTo("alarmed"))
                .body("find { it.name == '" + tag + "-1' }.scheduledTime", equalTo(base.plusSeconds(1).toString()))
                .body("find { it.name == '" + tag + "-1' }.nextAttempt", equalTo(base.plusSeconds(1).toString()))
                .body("find { it.name == '" + tag + "-1' }.retryCount", equalTo(0))
                .body("find { it.name == '" + tag + "-1' }.id", equalTo(idOf(tag + "-1")));
        asAdmin().queryParam("limit", 1).get("/admin/alarms").then().statusCode(200).body("$", hasSize(1));
    }

    private String idOf(String name) {
        return namespaces.get("alarmed").idFromName(name).toString();
    }

    @Test
    void badQueriesAreRefusedSayingWhatIsAllowed() {
        asAdmin().queryParam("limit", 0).get("/admin/alarms").then().statusCode(400)
                .body("detail", equalTo("limit: must be at least 1, got 0"));
        asAdmin().queryParam("limit", "ten").get("/admin/alarms").then().statusCode(400)
                .body("type", equalTo("https://cairn.dev/problems/bad-request"))
                .body("detail", containsString("a query or path parameter has the wrong type"));
        asAdmin().queryParam("namespace", "nope").get("/admin/alarms").then().statusCode(404)
                .body("detail", containsString("unknown namespace 'nope'"));
    }
}
