package dev.cairn;

import dev.cairn.api.ObjectContext;
import dev.cairn.api.Stub;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

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

    /** A call holding its object's thread until released; it answers {@code "released"}. */
    public record Held(CompletableFuture<Object> reply, CountDownLatch latch) {
        public void release() {
            latch.countDown();
        }
    }

    /** Sends {@code object} a call that runs {@code first}, then holds until released; returns once it runs. */
    public static Held holding(Stub<Scratch> object, Consumer<Scratch> first) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> reply = object.send(s -> {
            first.accept(s);
            return (Object) s.hold(started, release);
        }).toCompletableFuture();
        started.await();
        return new Held(reply, release);
    }
}
