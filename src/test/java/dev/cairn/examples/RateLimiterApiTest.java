package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.CairnTestKit;
import dev.cairn.testing.FakeClock;
import io.quarkus.test.junit.DisabledOnIntegrationTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The RateLimiter example: a sliding window on the node's clock, which the test moves. */
@QuarkusTest
class RateLimiterApiTest {
    /**
     * The node's clock, which stands still until a test moves it. Looked up when used: the class also
     * runs as {@code RateLimiterApiIT}, where the service runs in its own process on the real clock.
     */
    private static FakeClock clock() {
        return CairnTestKit.inQuarkus().clock();
    }

    static JsonPath check(String name, int limit, long windowMs) {
        return given().contentType(ContentType.JSON).body("{\"limit\": " + limit + ", \"windowMs\": " + windowMs + "}")
                .post("/objects/ratelimiter/{n}/check", name).then().statusCode(200).extract().jsonPath();
    }

    @Test
    @DisabledOnIntegrationTest("moves the node's clock; the packaged service runs on the real one")
    void allowsUpToTheLimitPerWindowAndSaysWhenToRetry() {
        String name = "rl-" + UUID.randomUUID();
        for (int i = 2; i >= 0; i--) {
            var allowed = check(name, 3, 60_000);
            assertTrue(allowed.getBoolean("allowed"));
            assertEquals(i, allowed.getInt("remaining"));
            assertEquals(0, allowed.getLong("retryAfterMs"));
            clock().advance(Duration.ofSeconds(1)); // requests 1 s apart, so they leave the window one by one
        }
        var refused = check(name, 3, 60_000);
        assertEquals(false, refused.getBoolean("allowed"));
        assertEquals(0, refused.getInt("remaining"));
        long retryAfter = refused.getLong("retryAfterMs");
        assertTrue(retryAfter > 50_000 && retryAfter <= 57_000, "the oldest allowed request leaves the window: " + retryAfter);

        clock().advance(Duration.ofMillis(retryAfter));
        assertTrue(check(name, 3, 60_000).getBoolean("allowed"), "a slot is free once the oldest request left the window");
        assertEquals(false, check(name, 3, 60_000).getBoolean("allowed"), "refused requests were not counted, the window is full again");
    }

    @Test
    @DisabledOnIntegrationTest("moves the node's clock; the packaged service runs on the real one")
    void theWindowSlidesRatherThanResettingInBuckets() {
        String name = "rl-" + UUID.randomUUID();
        check(name, 2, 10_000);
        clock().advance(Duration.ofMillis(6_000));
        check(name, 2, 10_000);
        clock().advance(Duration.ofMillis(5_000)); // 11 s after the first, 5 s after the second
        var third = check(name, 2, 10_000);
        assertTrue(third.getBoolean("allowed"));
        assertEquals(0, third.getInt("remaining"), "the second request is still inside the window");
    }

    @Test
    void inputOutsideTheContractIsA400AndIsNotCounted() {
        String name = "rl-" + UUID.randomUUID();
        for (String body : new String[] {"{\"limit\": 0, \"windowMs\": 1000}", "{\"limit\": 1, \"windowMs\": 86400001}", "{}"}) {
            given().contentType(ContentType.JSON).body(body).post("/objects/ratelimiter/{n}/check", name).then().statusCode(400);
        }
        assertEquals(0, check(name, 1, 60_000).getInt("remaining"), "the first counted request is the one allowed now");
    }
}
