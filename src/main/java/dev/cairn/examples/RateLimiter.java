package dev.cairn.examples;

import dev.cairn.api.ObjectContext;
import dev.cairn.api.SqlStorage;
import dev.cairn.examples.api.RateLimiterApi;
import dev.cairn.examples.model.RateLimitRequest;
import dev.cairn.examples.model.RateLimitResult;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.InstantSource;

/**
 * A sliding-window rate limiter (namespace {@code ratelimiter}), one per limited thing (a user, an
 * API key). It keeps the times of the requests it allowed within the window, so the count is exact
 * at every instant, not per fixed bucket; a refused request is not recorded.
 */
@RegisterForReflection(fields = false, methods = false)
public final class RateLimiter implements RateLimiterApi {
    private final SqlStorage sql;
    private final InstantSource clock;

    public RateLimiter(ObjectContext ctx) {
        this.sql = ctx.storage().sql();
        this.clock = ctx.clock();
        sql.exec("CREATE TABLE IF NOT EXISTS allowed (at INTEGER NOT NULL)");
        sql.exec("CREATE INDEX IF NOT EXISTS allowed_at ON allowed (at)");
    }

    /** The decision for one request now. */
    @Override
    public RateLimitResult checkRateLimit(RateLimitRequest body) {
        int limit = body.getLimit();
        long windowMs = body.getWindowMs();
        long now = clock.millis();
        sql.exec("DELETE FROM allowed WHERE at <= ?", now - windowMs);
        long counted = sql.exec("SELECT count(*) AS n FROM allowed").one().getLong("n");
        if (counted < limit) {
            sql.exec("INSERT INTO allowed (at) VALUES (?)", now);
            return new RateLimitResult().allowed(true).remaining((int) (limit - counted - 1)).retryAfterMs(0L);
        }
        // The window frees a slot when the (counted - limit + 1)-th oldest allowed request leaves it.
        long freesAt = sql.exec("SELECT at FROM allowed ORDER BY at LIMIT 1 OFFSET ?", counted - limit).one().getLong("at")
                + windowMs;
        return new RateLimitResult().allowed(false).remaining(0).retryAfterMs(Math.max(1, freesAt - now));
    }
}
