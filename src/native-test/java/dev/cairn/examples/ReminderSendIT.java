package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.cairn.Webhook;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Work outside an object's events against the packaged service (jar, or native binary with -Dnative):
 * the Reminder's {@code sendNow} POSTs to a real webhook on loopback off the object's thread; the
 * object answers while the webhook holds the request, and the answer is recorded as a new event.
 */
@QuarkusIntegrationTest
class ReminderSendIT {

    private static JsonPath reminder(String name) {
        return given().get("/objects/reminder/{n}", name).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aSlowWebhookDoesNotHoldTheObjectAndItsAnswerIsRecordedWhenItComes() throws Exception {
        String name = "send-" + UUID.randomUUID();
        try (var hook = new Webhook()) {
            given().contentType(ContentType.JSON).body("{\"url\": \"" + hook.url() + "\", \"message\": \"now\"}")
                    .post("/objects/reminder/{n}/sends", name).then().statusCode(200).body("seq", equalTo(1));
            var request = hook.next(Duration.ofSeconds(20));
            for (int i = 0; i < 3; i++) {
                assertNull(reminder(name).get("sends[0].status"), "answered while the webhook holds the POST");
            }
            request.answer(202);
            // The answer comes back as an event of the object: it commits a moment after the webhook answered.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Integer status;
            while ((status = reminder(name).get("sends[0].status")) == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(Integer.valueOf(202), status);
            assertNotNull(reminder(name).getString("sends[0].answeredAt"));
        }
    }
}
