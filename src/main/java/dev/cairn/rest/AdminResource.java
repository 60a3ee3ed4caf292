package dev.cairn.rest;

import dev.cairn.api.Alarms;
import dev.cairn.rest.api.AdminApi;
import dev.cairn.rest.model.PendingAlarm;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What the node holds: its pending alarms. */
final class AdminResource implements AdminApi {
    static final int MAX_LIMIT = 10_000;

    private final Alarms alarms;

    AdminResource(Alarms alarms) {
        this.alarms = alarms;
    }

    @Override
    public CompletionStage<List<PendingAlarm>> listPendingAlarms(String namespace, Integer limit) {
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + n);
        }
        // The index answers from its own thread; a virtual thread waits for it, never the event loop.
        return CompletableFuture.supplyAsync(() -> alarms.pending(Optional.ofNullable(namespace), n).stream()
                .map(p -> new PendingAlarm().namespace(p.id().namespace()).id(p.id().toString()).name(p.id().name().orElse(null))
                        .scheduledTime(p.scheduledTime().atOffset(ZoneOffset.UTC)).nextAttempt(p.nextAttempt().atOffset(ZoneOffset.UTC))
                        .retryCount(p.retryCount()).lastError(p.lastError().orElse(null)))
                .toList(), task -> Thread.ofVirtual().name("cairn-admin").start(task));
    }
}
