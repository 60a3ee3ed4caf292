package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event time limit on the packaged service: an alarm run still running past its namespace's limit
 * (the Reminder held inside its webhook call, {@code cairn.namespaces.reminder.event-timeout=1s}) is
 * answered as failed at once and retried; when its code finally returns, its writes are rolled back,
 * so only the retry's delivery is recorded.
 */
class EventTimeoutIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void anAlarmRunPastItsTimeLimitIsRetriedAndOnlyTheRetrysWritesAreKept() throws Exception {
        try (var hook = new Webhook();
                var cairn = CairnProcess.start(data, CairnProcess.withAdmin("cairn.namespaces.reminder.event-timeout=1s")).awaitListening()) {
            var set = cairn.send("PUT", "/objects/reminder/slow-hook", "{\"url\": \"" + hook.url() + "\", \"message\": \"m\", \"inMs\": 0}");
            assertEquals(200, set.statusCode(), set.body());
            var first = hook.next(Duration.ofSeconds(20));

            // Held past 1 s: the alarm's attempt is failed at once, its retry scheduled, while its code still waits.
            JsonNode alarm = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode alarms = JSON.readTree(cairn.sendAsAdmin("GET", "/admin/alarms?namespace=reminder", null).body());
                // An attempt counts as begun once it starts (a crash would make it a retry); its error is recorded when it fails.
                if (alarms.size() == 1 && alarms.get(0).hasNonNull("lastError")) {
                    alarm = alarms.get(0);
                    break;
                }
                Thread.sleep(50);
            }
            assertTrue(alarm != null, "the attempt was failed within 20 s");
            assertTrue(alarm.get("lastError").asText().contains("ran past its time limit of 1000 ms"), alarm.toString());
            assertEquals(1, alarm.get("retryCount").asInt(), alarm.toString());

            first.answer(200); // its code returns now: what it wrote (the delivery) is rolled back
            var retry = hook.next(Duration.ofSeconds(20));
            assertTrue(retry.body().contains("\"retryCount\":1"), retry.body());
            retry.answer(200);
            JsonNode reminder = JSON.readTree(cairn.send("GET", "/objects/reminder/slow-hook", null).body());
            assertEquals(1, reminder.get("deliveries").size(), reminder.toString());
            assertEquals(1, reminder.get("deliveries").get(0).get("retryCount").asInt(), reminder.toString());
        }
    }
}
