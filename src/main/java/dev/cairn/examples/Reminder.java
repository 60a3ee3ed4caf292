package dev.cairn.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.api.AlarmHandler;
import dev.cairn.api.AlarmInfo;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Storage;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A reminder (namespace {@code reminder}) delivered by alarm to a webhook: at least once, retried
 * with Cairn's backoff while the webhook fails, dropped after the last retry. A delivery interrupted
 * by a crash is sent again after the restart, marked {@code isRetry}; receivers deduplicate on
 * {@code name} and {@code scheduledTime}.
 */
@RegisterForReflection(fields = false, methods = false)
public final class Reminder implements AlarmHandler {
    /** The webhook must answer within this. */
    static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);
    /**
     * One client for every reminder, made on first use: a client built in a static initializer would
     * be built into the native image's heap, which the JDK's HTTP client does not allow.
     */
    private static HttpClient http;

    private static synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WEBHOOK_TIMEOUT).build();
        }
        return http;
    }

    /** The reminder waiting for its time. */
    public record Pending(String url, String message, Instant scheduledTime) {}

    /** A delivery the webhook accepted. */
    public record Delivery(Instant scheduledTime, Instant deliveredAt, int retryCount) {}

    /** Everything the object knows. */
    public record State(Optional<Pending> pending, List<Delivery> deliveries) {}

    private final ObjectContext ctx;
    private final Storage storage;
    private final SqlStorage sql;

    public Reminder(ObjectContext ctx) {
        this.ctx = ctx;
        this.storage = ctx.storage();
        this.sql = storage.sql();
        sql.exec("""
                CREATE TABLE IF NOT EXISTS reminder (id INTEGER PRIMARY KEY CHECK (id = 1), url TEXT NOT NULL, message TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS deliveries (seq INTEGER PRIMARY KEY, scheduled INTEGER NOT NULL,
                    delivered_at INTEGER NOT NULL, retry_count INTEGER NOT NULL)""");
    }

    /** Sets the reminder, replacing a pending one. */
    public Pending set(String url, String message, Instant at) {
        sql.exec("INSERT INTO reminder (id, url, message) VALUES (1, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET url = excluded.url, message = excluded.message", url, message);
        storage.setAlarm(at);
        return pending().orElseThrow();
    }

    public void cancel() {
        sql.exec("DELETE FROM reminder");
        storage.deleteAlarm();
    }

    public State state() {
        List<Delivery> deliveries = sql.exec("SELECT scheduled, delivered_at, retry_count FROM deliveries ORDER BY seq").toList()
                .stream()
                .map(r -> new Delivery(Instant.ofEpochMilli(r.getLong("scheduled")), Instant.ofEpochMilli(r.getLong("delivered_at")),
                        r.getLong("retry_count").intValue()))
                .toList();
        return new State(pending(), deliveries);
    }

    private Optional<Pending> pending() {
        var rows = sql.exec("SELECT url, message FROM reminder").toList();
        Optional<Instant> at = storage.getAlarm();
        if (rows.isEmpty() || at.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Pending(rows.getFirst().getString("url"), rows.getFirst().getString("message"), at.get()));
    }

    /** Posts the reminder; anything but a 2xx throws, so Cairn retries it. */
    @Override
    public void alarm(AlarmInfo info) throws Exception {
        var rows = sql.exec("SELECT url, message FROM reminder").toList();
        if (rows.isEmpty()) {
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("name", ctx.id().name().orElse(ctx.id().toString()))
                .put("message", rows.getFirst().getString("message"))
                .put("scheduledTime", info.scheduledTime().toString())
                .put("retryCount", info.retryCount())
                .put("isRetry", info.isRetry());
        HttpRequest request = HttpRequest.newBuilder(URI.create(rows.getFirst().getString("url")))
                .timeout(WEBHOOK_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        int status = http().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 != 2) {
            throw new IllegalStateException("the webhook answered " + status);
        }
        sql.exec("INSERT INTO deliveries (scheduled, delivered_at, retry_count) VALUES (?, ?, ?)",
                info.scheduledTime().toEpochMilli(), ctx.clock().millis(), info.retryCount());
        sql.exec("DELETE FROM reminder");
    }
}
