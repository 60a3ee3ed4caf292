package dev.cairn.examples;

import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.examples.api.ReminderApi;
import dev.cairn.examples.model.ReminderDelivery;
import dev.cairn.examples.model.ReminderRequest;
import jakarta.ws.rs.NotFoundException;
import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.concurrent.CompletionStage;

/** The {@code Reminder} endpoints of the contract. */
final class ReminderResource implements ReminderApi {
    static final int MAX_URL = 2048;
    static final int MAX_MESSAGE = 4096;
    static final long MAX_IN_MS = 31_536_000_000L;

    private final Namespace<Reminder> reminders;
    private final InstantSource clock;

    ReminderResource(Namespaces namespaces, InstantSource clock) {
        this.reminders = namespaces.of(Reminder.class);
        this.clock = clock;
    }

    @Override
    public CompletionStage<dev.cairn.examples.model.Reminder> setReminder(String name, ReminderRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("body must be {\"url\": \"http(s)://...\", \"message\": \"...\", \"at\": date-time or \"inMs\": n}");
        }
        String url = checkUrl(request.getUrl());
        String message = request.getMessage();
        if (message == null || message.isEmpty() || message.length() > MAX_MESSAGE) {
            throw new IllegalArgumentException("message must be 1 to " + MAX_MESSAGE + " characters");
        }
        if ((request.getAt() == null) == (request.getInMs() == null)) {
            throw new IllegalArgumentException("give exactly one of at (a date-time) and inMs (milliseconds from now)");
        }
        Instant at;
        if (request.getAt() != null) {
            at = request.getAt().toInstant();
        } else {
            long inMs = request.getInMs();
            if (inMs < 0 || inMs > MAX_IN_MS) {
                throw new IllegalArgumentException("inMs must be between 0 and " + MAX_IN_MS + " (one year), got " + inMs);
            }
            at = clock.instant().plusMillis(inMs);
        }
        return reminders.getByName(name).send(r -> r.set(url, message, at))
                .thenApply(p -> toModel(new Reminder.State(java.util.Optional.of(p), java.util.List.of())));
    }

    @Override
    public CompletionStage<dev.cairn.examples.model.Reminder> getReminder(String name) {
        return reminders.getByName(name).send(Reminder::state).thenApply(state -> {
            if (state.pending().isEmpty() && state.deliveries().isEmpty()) {
                throw new NotFoundException("no reminder was set under '" + name + "'");
            }
            return toModel(state);
        });
    }

    @Override
    public CompletionStage<Void> cancelReminder(String name) {
        return reminders.getByName(name).send(r -> {
            r.cancel();
            return null;
        });
    }

    private static String checkUrl(String url) {
        String allowed = "url must be an absolute http or https URL of at most " + MAX_URL + " characters";
        if (url == null || url.length() > MAX_URL) {
            throw new IllegalArgumentException(allowed);
        }
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException(allowed + ", got '" + url + "'");
            }
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(allowed + ": " + e.getMessage());
        }
        return url;
    }

    private static dev.cairn.examples.model.Reminder toModel(Reminder.State s) {
        var model = new dev.cairn.examples.model.Reminder().deliveries(s.deliveries().stream()
                .map(d -> new ReminderDelivery().scheduledTime(d.scheduledTime().atOffset(ZoneOffset.UTC))
                        .deliveredAt(d.deliveredAt().atOffset(ZoneOffset.UTC)).retryCount(d.retryCount()))
                .toList());
        s.pending().ifPresent(p -> model.url(p.url()).message(p.message()).scheduledTime(p.scheduledTime().atOffset(ZoneOffset.UTC)));
        return model;
    }
}
