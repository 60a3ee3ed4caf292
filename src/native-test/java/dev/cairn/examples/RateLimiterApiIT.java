package dev.cairn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link RateLimiterApiTest} against the packaged service (jar, or native binary with -Dnative).
 * The tests that move the node's clock cannot run there (the packaged service runs on the real
 * clock); the window is checked on the real clock instead.
 */
@QuarkusIntegrationTest
class RateLimiterApiIT extends RateLimiterApiTest {

    @Test
    void refusesPastTheLimitOnTheRealClockAndSaysWhenToRetry() {
        String name = "rl-" + UUID.randomUUID();
        for (int i = 2; i >= 0; i--) {
            var allowed = check(name, 3, 60_000);
            assertTrue(allowed.getBoolean("allowed"));
            assertEquals(i, allowed.getInt("remaining"));
        }
        var refused = check(name, 3, 60_000);
        assertFalse(refused.getBoolean("allowed"));
        long retryAfter = refused.getLong("retryAfterMs");
        assertTrue(retryAfter > 0 && retryAfter <= 60_000, "retry once the oldest request leaves the window: " + retryAfter);
    }
}
