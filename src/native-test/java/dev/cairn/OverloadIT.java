package dev.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service with a one-event mailbox, flooded with parallel calls to one object: the
 * calls it cannot queue are refused at once with 503 and the overload body, and only the accepted
 * ones are executed.
 */
class OverloadIT {
    private static final int CLIENTS = 64;
    private static final int CALLS_PER_CLIENT = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VALUE = Pattern.compile("\\{\"value\":(\\d+)}");

    @TempDir
    Path data;

    @Test
    void aFullMailboxAnswers503WithRetryAfterAndRefusedCallsAreNotExecuted() throws Exception {
        try (var cairn = CairnProcess.start(data, "cairn.objects.mailbox-capacity=1").awaitListening()) {
            List<Callable<List<HttpResponse<String>>>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(() -> {
                    List<HttpResponse<String>> replies = new ArrayList<>();
                    for (int i = 0; i < CALLS_PER_CLIENT; i++) {
                        replies.add(cairn.send("POST", "/objects/counter/flooded/increment", null));
                    }
                    return replies;
                });
            }
            List<HttpResponse<String>> replies = new ArrayList<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Future<List<HttpResponse<String>>> f : pool.invokeAll(clients)) {
                    replies.addAll(f.get());
                }
            }

            long ok = 0;
            long refused = 0;
            for (var r : replies) {
                if (r.statusCode() == 200) {
                    assertTrue(VALUE.matcher(r.body()).matches(), r.body());
                    ok++;
                } else {
                    assertEquals(503, r.statusCode(), r.body());
                    JsonNode error = JSON.readTree(r.body());
                    assertEquals("https://cairn.dev/problems/overloaded", error.path("type").asText(), r.body());
                    assertTrue(error.path("detail").asText().startsWith("Too many requests queued"), r.body());
                    assertTrue(error.path("overloaded").asBoolean() && !error.path("retryable").asBoolean(), r.body());
                    assertFalse(error.path("remote").asBoolean(), r.body());
                    assertEquals("1", r.headers().firstValue("retry-after").orElse(null));
                    refused++;
                }
            }
            assertTrue(refused > 0, "no call was refused out of " + replies.size());
            assertTrue(ok > 0, "no call was accepted out of " + replies.size());
            assertEquals("{\"value\":" + ok + "}", cairn.send("GET", "/objects/counter/flooded", null).body(),
                    "exactly the accepted increments were executed");
            cairn.stop();
        }
    }
}
