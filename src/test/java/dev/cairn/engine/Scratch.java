package dev.cairn.engine;

import dev.cairn.api.ObjectContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A bare object for engine tests: lets a test run code inside it (like runInDurableObject). */
public final class Scratch {
    static final Map<String, AtomicInteger> CONSTRUCTIONS = new ConcurrentHashMap<>();
    final ObjectContext ctx;

    public Scratch(ObjectContext ctx) {
        this.ctx = ctx;
        CONSTRUCTIONS.computeIfAbsent(ctx.id().toString(), k -> new AtomicInteger()).incrementAndGet();
    }

    String hold(CountDownLatch started, CountDownLatch release) throws InterruptedException {
        started.countDown();
        release.await();
        return "released";
    }
}
