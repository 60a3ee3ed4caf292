package dev.cairn.examples;

import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.examples.api.RateLimiterApi;
import dev.cairn.examples.model.RateLimitRequest;
import dev.cairn.examples.model.RateLimitResult;
import java.util.concurrent.CompletionStage;

/** The {@code RateLimiter} endpoint of the contract. */
final class RateLimiterResource implements RateLimiterApi {
    static final int MAX_LIMIT = 100_000;
    static final long MAX_WINDOW_MS = 86_400_000;

    private final Namespace<RateLimiter> limiters;

    RateLimiterResource(Namespaces namespaces) {
        this.limiters = namespaces.of(RateLimiter.class);
    }

    @Override
    public CompletionStage<RateLimitResult> checkRateLimit(String name, RateLimitRequest request) {
        if (request == null || request.getLimit() == null || request.getWindowMs() == null) {
            throw new IllegalArgumentException("body must be {\"limit\": n, \"windowMs\": ms}");
        }
        int limit = request.getLimit();
        long windowMs = request.getWindowMs();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        if (windowMs < 1 || windowMs > MAX_WINDOW_MS) {
            throw new IllegalArgumentException("windowMs must be between 1 and " + MAX_WINDOW_MS + " (one day), got " + windowMs);
        }
        return limiters.getByName(name).send(r -> r.check(limit, windowMs)).thenApply(d -> new RateLimitResult()
                .allowed(d.allowed()).remaining(d.remaining()).retryAfterMs(d.retryAfterMs()));
    }
}
