package dev.cairn;

import dev.cairn.api.ObjectContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A bare object for engine tests: lets a test run code inside it (like runInDurableObject). */
public final class Scratch {
    public static final Map<String, AtomicInteger> CONSTRUCTIONS = new ConcurrentHashMap<>();
    /** Names whose next initialisation fails once. */
    public static final Set<String> FAIL_NEXT_INIT = ConcurrentHashMap.newKeySet();
    public final ObjectContext ctx;
    public final long initialisedRows;
    /** Kept in memory only, for tests of what survives an event (lost when the instance is reset). */
    public long inMemory;

    public Scratch(ObjectContext ctx) {
        this.ctx = ctx;
        CONSTRUCTIONS.computeIfAbsent(ctx.id().toString(), k -> new AtomicInteger()).incrementAndGet();
        this.initialisedRows = ctx.blockConcurrencyWhile(() -> {
            var sql = ctx.storage().sql();
            sql.exec("CREATE TABLE IF NOT EXISTS init_log (at INTEGER)");
            sql.exec("INSERT INTO init_log VALUES (?)", ctx.clock().millis());
            if (FAIL_NEXT_INIT.remove(ctx.id().name().orElse(""))) {
                throw new IllegalStateException("initialisation failed on purpose");
            }
            return sql.exec("SELECT count(*) AS n FROM init_log").one().getLong("n");
        });
    }

    public String hold(CountDownLatch started, CountDownLatch release) throws InterruptedException {
        started.countDown();
        release.await();
        return "released";
    }
}
