package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alarms are at least once across crashes: the service is killed (SIGKILL) while an alarm handler
 * is running (the Reminder example, held inside its webhook call); after the restart the handler
 * runs again, told that it is a retry.
 */
class AlarmCrashIT {
    @TempDir
    Path data;

    @Test
    void aHandlerCutShortByAKillRunsAgainAfterTheRestartAsARetry() throws Exception {
        try (var hook = new Webhook()) {
            try (var cairn = CairnProcess.start(data).awaitListening()) {
                var set = cairn.send("PUT", "/objects/reminder/crash-test",
                        "{\"url\": \"" + hook.url() + "\", \"message\": \"survive\", \"inMs\": 0}");
                assertEquals(200, set.statusCode(), set.body());
                var first = hook.next(Duration.ofSeconds(20));
                assertTrue(first.body().contains("\"isRetry\":false"), first.body());
                assertEquals(137, cairn.kill(), "killed while the handler waits for the webhook");
                first.answer(200); // too late: nobody is listening for this answer any more
            }
            try (var cairn = CairnProcess.start(data, CairnProcess.withAdmin()).awaitListening()) {
                var again = hook.next(Duration.ofSeconds(20));
                assertTrue(again.body().contains("\"retryCount\":1"), again.body());
                assertTrue(again.body().contains("\"isRetry\":true"), again.body());
                again.answer(200);
                // The retry's commit comes right after the webhook's answer; this call queues behind it.
                var state = cairn.send("GET", "/objects/reminder/crash-test", null);
                assertEquals(200, state.statusCode(), state.body());
                assertTrue(state.body().contains("\"scheduledTime\":null"), state.body());
                assertTrue(state.body().contains("\"retryCount\":1"), state.body());
                assertEquals("[]", cairn.sendAsAdmin("GET", "/admin/alarms", null).body());
                cairn.stop();
            }
        }
    }
}
