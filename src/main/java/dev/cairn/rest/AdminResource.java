package dev.cairn.rest;

import dev.cairn.api.Alarms;
import dev.cairn.rest.api.AdminApi;
import dev.cairn.rest.model.Bookmark;
import dev.cairn.rest.model.Deleted;
import dev.cairn.rest.model.RestoreRequest;
import dev.cairn.rest.model.Restored;
import dev.cairn.rest.model.EntryPage;
import dev.cairn.rest.model.NamespaceSummary;
import dev.cairn.rest.model.ObjectDetails;
import dev.cairn.rest.model.QueryRequest;
import dev.cairn.rest.model.QueryResult;
import dev.cairn.rest.model.PendingAlarm;
import dev.cairn.rest.model.StoredObjectPage;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** What the node holds: its namespaces, their stored objects, its pending alarms. */
final class AdminResource implements AdminApi {
    static final int MAX_LIMIT = 10_000;

    private final Alarms alarms;
    private final Holdings holdings;
    private final RoutingContext request;

    AdminResource(Alarms alarms, Holdings holdings, RoutingContext request) {
        this.alarms = alarms;
        this.holdings = holdings;
        this.request = request;
    }

    @Override
    public CompletionStage<List<NamespaceSummary>> listNamespaces() {
        return offTheEventLoop(holdings::namespaces);
    }

    @Override
    public CompletionStage<StoredObjectPage> listObjects(String namespace, Integer limit, String cursor, String prefix) {
        // The contract bounds limit, cursor and prefix (bean validation answers 400 before this runs).
        return offTheEventLoop(() -> holdings.objects(namespace, Optional.ofNullable(prefix), Optional.ofNullable(cursor),
                limit == null ? 100 : limit));
    }

    @Override
    public CompletionStage<ObjectDetails> inspectObject(String namespace, String id) {
        return offTheEventLoop(() -> holdings.inspect(namespace, id));
    }

    @Override
    public CompletionStage<QueryResult> queryObject(String namespace, String id, QueryRequest request) {
        String who = who();
        return offTheEventLoop(() -> holdings.query(namespace, id, request, who));
    }

    @Override
    public CompletionStage<Deleted> deleteObject(String namespace, String id) {
        String who = who();
        return offTheEventLoop(() -> {
            holdings.delete(namespace, id, who);
            return new Deleted().deleted(1L);
        });
    }

    @Override
    public CompletionStage<Bookmark> bookmarkObject(String namespace, String id, String at) {
        Optional<java.time.Instant> time = Optional.ofNullable(at).map(AdminResource::time);
        return offTheEventLoop(() -> new Bookmark().bookmark(holdings.bookmark(namespace, id, time)));
    }

    /** Read here, not by the framework, so that a text that is no time is a 400 that says so (not a 404). */
    private static java.time.Instant time(String text) {
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("at: '" + text + "' is not a time; expected RFC 3339, like 2026-12-06T12:00:00Z");
        }
    }

    @Override
    public CompletionStage<Restored> restoreObject(String namespace, String id, RestoreRequest request) {
        String who = who();
        return offTheEventLoop(() -> new Restored().restored(request.getBookmark())
                .undo(holdings.restore(namespace, id, request.getBookmark(), who)));
    }

    @Override
    public CompletionStage<Deleted> deleteNamespaceObjects(String namespace) {
        String who = who();
        return offTheEventLoop(() -> new Deleted().deleted(holdings.deleteAll(namespace, who)));
    }

    /** Who is asking, read on the request's thread (the work runs on another). */
    private String who() {
        return CallerName.of(request);
    }

    @Override
    public CompletionStage<EntryPage> browseObjectEntries(String namespace, String id, String prefix, String start, Integer limit) {
        return offTheEventLoop(() -> holdings.entries(namespace, id, Optional.ofNullable(prefix), Optional.ofNullable(start),
                limit == null ? 100 : limit));
    }

    @Override
    public CompletionStage<List<PendingAlarm>> listPendingAlarms(String namespace, Integer limit) {
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + n);
        }
        return offTheEventLoop(() -> alarms.pending(Optional.ofNullable(namespace), n).stream()
                .map(p -> new PendingAlarm().namespace(p.id().namespace()).id(p.id().toString()).name(p.id().name().orElse(null))
                        .scheduledTime(p.scheduledTime().atOffset(ZoneOffset.UTC)).nextAttempt(p.nextAttempt().atOffset(ZoneOffset.UTC))
                        .retryCount(p.retryCount()).lastError(p.lastError().orElse(null)))
                .toList());
    }

    /** The indexes answer from their own threads; a virtual thread waits for them, never the event loop. */
    private static <T> CompletionStage<T> offTheEventLoop(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, task -> Thread.ofVirtual().name("cairn-admin").start(task));
    }
}
