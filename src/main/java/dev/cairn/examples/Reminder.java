package dev.cairn.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.api.AlarmHandler;
import dev.cairn.api.AlarmInfo;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.Outcome;
import dev.cairn.api.Refusal;
import dev.cairn.api.SqlRow;
import dev.cairn.api.SqlStorage;
import dev.cairn.api.Storage;
import dev.cairn.examples.api.ReminderApi;
import dev.cairn.examples.model.ReminderDelivery;
import dev.cairn.examples.model.ReminderRequest;
import dev.cairn.examples.model.ReminderSend;
import dev.cairn.examples.model.ReminderSendRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A reminder (namespace {@code reminder}) delivered by alarm to a webhook: at least once, retried
 * with Cairn's backoff while the webhook fails, dropped after the last retry. A delivery interrupted
 * by a crash is sent again after the restart, marked {@code isRetry}; receivers deduplicate on
 * {@code name} and {@code scheduledTime}. A message can also be sent at once ({@link #sendNow}): that
 * POST runs outside the reminder's events, so a slow webhook does not hold it, and its answer is
 * recorded when it comes.
 */
@RegisterForReflection(fields = false, methods = false)
public final class Reminder implements ReminderApi, AlarmHandler {
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
                    delivered_at INTEGER NOT NULL, retry_count INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS sends (seq INTEGER PRIMARY KEY, url TEXT NOT NULL, requested_at INTEGER NOT NULL,
                    answered_at INTEGER, status INTEGER, error TEXT)""");
    }

    /** Sets the reminder, replacing a pending one. */
    @Override
    public dev.cairn.examples.model.Reminder setReminder(ReminderRequest body) {
        checkUrl(body.getUrl());
        if ((body.getAt() == null) == (body.getInMs() == null)) {
            throw Refusal.badRequest("give exactly one of at (a date-time) and inMs (milliseconds from now)");
        }
        Instant at = body.getAt() != null ? body.getAt().toInstant() : ctx.clock().instant().plusMillis(body.getInMs());
        sql.exec("INSERT INTO reminder (id, url, message) VALUES (1, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET url = excluded.url, message = excluded.message", body.getUrl(), body.getMessage());
        storage.setAlarm(at);
        return pending().deliveries(List.of()).sends(List.of());
    }

    @Override
    public void cancelReminder() {
        sql.exec("DELETE FROM reminder");
        storage.deleteAlarm();
    }

    /** The pending reminder and the deliveries made; 404 when neither exists. */
    @Override
    public dev.cairn.examples.model.Reminder getReminder() {
        List<ReminderDelivery> deliveries = sql.exec("SELECT scheduled, delivered_at, retry_count FROM deliveries ORDER BY seq")
                .toList().stream()
                .map(r -> new ReminderDelivery().scheduledTime(Instant.ofEpochMilli(r.getLong("scheduled")).atOffset(ZoneOffset.UTC))
                        .deliveredAt(Instant.ofEpochMilli(r.getLong("delivered_at")).atOffset(ZoneOffset.UTC))
                        .retryCount(r.getLong("retry_count").intValue()))
                .toList();
        List<ReminderSend> sends = sql.exec("SELECT seq, url, requested_at, answered_at, status, error FROM sends ORDER BY seq")
                .toList().stream().map(Reminder::send).toList();
        var reminder = pending().deliveries(deliveries).sends(sends);
        if (reminder.getScheduledTime() == null && deliveries.isEmpty() && sends.isEmpty()) {
            throw Refusal.notFound("no reminder was set under '" + ctx.id().name().orElse(ctx.id().toString()) + "'");
        }
        return reminder;
    }

    /**
     * Sends the message to the webhook now. The POST is slow I/O: it runs outside the reminder's events,
     * so the reminder goes on answering meanwhile, and the answer comes back as a new event that records it.
     */
    @Override
    public ReminderSend sendNow(ReminderSendRequest body) {
        checkUrl(body.getUrl());
        long requested = ctx.clock().millis();
        long seq = sql.exec("INSERT INTO sends (url, requested_at) VALUES (?, ?) RETURNING seq", body.getUrl(), requested).one().getLong("seq");
        ObjectNode json = JsonNodeFactory.instance.objectNode()
                .put("name", ctx.id().name().orElse(ctx.id().toString()))
                .put("message", body.getMessage());
        ctx.outside(() -> post(body.getUrl(), json), outcome -> {
            switch (outcome) {
                case Outcome.Success<Integer>(Integer status) ->
                        sql.exec("UPDATE sends SET answered_at = ?, status = ? WHERE seq = ?", ctx.clock().millis(), status, seq);
                case Outcome.Failure<Integer>(Exception e) ->
                        sql.exec("UPDATE sends SET answered_at = ?, error = ? WHERE seq = ?", ctx.clock().millis(),
                                e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName(), seq);
            }
        });
        return new ReminderSend().seq(seq).url(body.getUrl()).requestedAt(Instant.ofEpochMilli(requested).atOffset(ZoneOffset.UTC));
    }

    private static ReminderSend send(SqlRow r) {
        Long answered = r.getLong("answered_at");
        Long status = r.getLong("status");
        return new ReminderSend().seq(r.getLong("seq")).url(r.getString("url"))
                .requestedAt(Instant.ofEpochMilli(r.getLong("requested_at")).atOffset(ZoneOffset.UTC))
                .answeredAt(answered == null ? null : Instant.ofEpochMilli(answered).atOffset(ZoneOffset.UTC))
                .status(status == null ? null : status.intValue())
                .error(r.getString("error"));
    }

    /** POSTs {@code body} as JSON to {@code url}; returns the webhook's status. */
    private static int post(String url, ObjectNode body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(WEBHOOK_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return http().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The pending reminder, without deliveries; every field null when none is pending. */
    private dev.cairn.examples.model.Reminder pending() {
        var reminder = new dev.cairn.examples.model.Reminder();
        var rows = sql.exec("SELECT url, message FROM reminder").toList();
        storage.getAlarm().filter(at -> !rows.isEmpty()).ifPresent(at -> reminder.url(rows.getFirst().getString("url"))
                .message(rows.getFirst().getString("message")).scheduledTime(at.atOffset(ZoneOffset.UTC)));
        return reminder;
    }

    /** The contract bounds the URL's length; that it is an absolute http(s) URL is checked here. */
    private static void checkUrl(String url) {
        String allowed = "url must be an absolute http or https URL, got '" + url + "'";
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw Refusal.badRequest(allowed);
            }
        } catch (URISyntaxException e) {
            throw Refusal.badRequest(allowed + ": " + e.getMessage());
        }
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
        int status = post(rows.getFirst().getString("url"), body);
        if (status / 100 != 2) {
            throw new IllegalStateException("the webhook answered " + status);
        }
        sql.exec("INSERT INTO deliveries (scheduled, delivered_at, retry_count) VALUES (?, ?, ?)",
                info.scheduledTime().toEpochMilli(), ctx.clock().millis(), info.retryCount());
        sql.exec("DELETE FROM reminder");
    }
}
