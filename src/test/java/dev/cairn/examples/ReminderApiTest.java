package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.Admin;
import dev.cairn.Webhook;
import dev.cairn.api.Alarms;
import dev.cairn.api.Namespaces;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Reminder example: an alarm that calls a real webhook, at least once, retried while it fails.
 * The node's clock is moved by hand; the node's alarm timer, or the test, fires what is due.
 */
@QuarkusTest
class ReminderApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Alarms alarms;
    @Inject
    Namespaces namespaces;
    /** The running service's node, and its clock, which stands still until a test moves it. */
    private final CairnTestKit cairn = CairnTestKit.inQuarkus();

    /** Sets the reminder; returns when it is due. */
    private static Instant set(String name, String body) {
        return Instant.parse(given().contentType(ContentType.JSON).body(body).put("/objects/reminder/{n}", name).then().statusCode(200)
                .extract().<String>path("scheduledTime"));
    }

    @Test
    void aReminderIsPostedToItsWebhookByTheTimerOnceItsTimeComes() throws Exception {
        String name = "rem-" + UUID.randomUUID();
        try (var hook = new Webhook()) {
            Instant at = set(name, "{\"url\": \"" + hook.url() + "\", \"message\": \"stand up\", \"inMs\": 300}");
            assertEquals(cairn.clock().instant().plusMillis(300), at, "inMs after the node's clock");
            cairn.clock().advanceTo(at.minusMillis(1));
            cairn.fireDueAlarms();
            given().get("/objects/reminder/{n}", name).then().statusCode(200)
                    .body("deliveries.size()", equalTo(0)); // 1 ms before its time nothing was posted

            // Nothing but the node's timer fires it: the timer wakes at least every second and fires what is due.
            long moved = System.nanoTime();
            cairn.clock().advanceTo(at);
            var delivery = hook.next(Duration.ofSeconds(10));
            long lag = (System.nanoTime() - moved) / 1_000_000;
            delivery.answer(200);
            JsonNode body = JSON.readTree(delivery.body());
            assertEquals(name, body.get("name").asText());
            assertEquals("stand up", body.get("message").asText());
            assertEquals(0, body.get("retryCount").asInt());
            assertEquals(false, body.get("isRetry").asBoolean());
            assertTrue(lag < 1_000, "delivered " + lag + " ms after the clock reached its time");
            // The delivery commits after the webhook answered; this call queues behind it.
            given().get("/objects/reminder/{n}", name).then().statusCode(200)
                    .body("scheduledTime", equalTo(null))
                    .body("deliveries.size()", equalTo(1))
                    .body("deliveries[0].retryCount", equalTo(0));
        }
    }

    @Test
    void aFailingWebhookIsRetriedAndTheRetryKnowsItIsOne() throws Exception {
        String name = "rem-" + UUID.randomUUID();
        var id = namespaces.get("reminder").idFromName(name);
        try (var hook = new Webhook()) {
            // The node's clock: other tests move it forward, by hours at most.
            Instant at = cairn.clock().instant().plus(Duration.ofDays(365)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // JSON writes 1.590 as 1.59: whole seconds compare as text
            set(name, "{\"url\": \"" + hook.url() + "\", \"message\": \"pay rent\", \"at\": \"" + at + "\"}");
            var attempt = Thread.ofVirtual().start(() -> {
                try {
                    alarms.runNow(id);
                } catch (RuntimeException expected) {
                    // The webhook's 500 fails the handler: runNow rethrows it.
                }
            });
            hook.next(Duration.ofSeconds(10)).answer(500);
            attempt.join();
            Admin.asAdmin().queryParam("namespace", "reminder").get("/admin/alarms").then().statusCode(200)
                    .body("find { it.name == '" + name + "' }.retryCount", equalTo(1))
                    .body("find { it.name == '" + name + "' }.lastError", equalTo("the webhook answered 500"))
                    .body("find { it.name == '" + name + "' }.scheduledTime", equalTo(at.toString()));
            given().get("/objects/reminder/{n}", name).then().statusCode(200)
                    .body("scheduledTime", equalTo(at.toString()))
                    .body("deliveries.size()", equalTo(0));

            var retry = Thread.ofVirtual().start(() -> alarms.runNow(id));
            var second = hook.next(Duration.ofSeconds(10));
            second.answer(204);
            retry.join();
            JsonNode body = JSON.readTree(second.body());
            assertEquals(1, body.get("retryCount").asInt());
            assertEquals(true, body.get("isRetry").asBoolean());
            given().get("/objects/reminder/{n}", name).then().statusCode(200)
                    .body("deliveries[0].retryCount", equalTo(1))
                    .body("scheduledTime", equalTo(null));
        }
    }

    @Test
    void aSendNowRunsOutsideTheReminderWhichKeepsAnsweringAndRecordsTheWebhooksAnswerWhenItComes() throws Exception {
        String name = "rem-" + UUID.randomUUID();
        try (var hook = new Webhook()) {
            given().contentType(ContentType.JSON).body("{\"url\": \"" + hook.url() + "\", \"message\": \"now\"}")
                    .post("/objects/reminder/{n}/sends", name).then().statusCode(200)
                    .body("seq", equalTo(1)).body("status", equalTo(null)).body("answeredAt", equalTo(null));
            var request = hook.next(Duration.ofSeconds(10));
            assertEquals("now", JSON.readTree(request.body()).get("message").asText());
            // The webhook holds the POST: the reminder answers all the same.
            given().get("/objects/reminder/{n}", name).then().statusCode(200)
                    .body("sends.size()", equalTo(1)).body("sends[0].status", equalTo(null));

            request.answer(202);
            cairn.awaitOutsideWork(cairn.get(Reminder.class, name));
            given().get("/objects/reminder/{n}", name).then().statusCode(200)
                    .body("sends[0].status", equalTo(202)).body("sends[0].error", equalTo(null));
        }
        given().contentType(ContentType.JSON).body("{\"url\": \"http://127.0.0.1:9/closed\", \"message\": \"m\"}")
                .post("/objects/reminder/{n}/sends", name).then().statusCode(200).body("seq", equalTo(2));
        cairn.awaitOutsideWork(cairn.get(Reminder.class, name));
        given().get("/objects/reminder/{n}", name).then().statusCode(200)
                .body("sends[1].status", equalTo(null)).body("sends[1].error", containsString("Connect"));
        given().contentType(ContentType.JSON).body("{\"url\": \"ftp://x/y\", \"message\": \"m\"}")
                .post("/objects/reminder/{n}/sends", name).then().statusCode(400)
                .body("detail", containsString("url must be an absolute http or https URL"));
    }

    @Test
    void aCancelledReminderIsNotDelivered() {
        String name = "rem-" + UUID.randomUUID();
        set(name, "{\"url\": \"http://127.0.0.1:9/never\", \"message\": \"m\", \"inMs\": 600000}");
        given().delete("/objects/reminder/{n}", name).then().statusCode(204);
        given().get("/objects/reminder/{n}", name).then().statusCode(404);
        assertEquals(false, alarms.runNow(namespaces.get("reminder").idFromName(name)), "no alarm is left to run");
    }

    @Test
    void badRemindersAreRefusedSayingWhatIsAllowed() {
        String name = "rem-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body("{\"url\": \"ftp://x/y\", \"message\": \"m\", \"inMs\": 5}")
                .put("/objects/reminder/{n}", name).then().statusCode(400)
                .body("detail", containsString("url must be an absolute http or https URL"));
        given().contentType(ContentType.JSON).body("{\"url\": \"http://x/y\", \"message\": \"m\"}")
                .put("/objects/reminder/{n}", name).then().statusCode(400)
                .body("detail", equalTo("give exactly one of at (a date-time) and inMs (milliseconds from now)"));
        // Outside the contract: refused before the object runs.
        given().contentType(ContentType.JSON).body("{\"url\": \"http://x/y\", \"message\": \"\", \"inMs\": 5}")
                .put("/objects/reminder/{n}", name).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"url\": \"http://x/y\", \"message\": \"m\", \"inMs\": -1}")
                .put("/objects/reminder/{n}", name).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"url\": \"http://x/" + "y".repeat(2048) + "\", \"message\": \"m\", \"inMs\": 5}")
                .put("/objects/reminder/{n}", name).then().statusCode(400);
        given().get("/objects/reminder/{n}", name).then().statusCode(404);
    }
}
