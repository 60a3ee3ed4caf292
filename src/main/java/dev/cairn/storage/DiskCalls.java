package dev.cairn.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the SQLite calls that wait on the disk for long (opening a database, closing it with its
 * final checkpoint and fsyncs) on a few platform threads. sqlite-jdbc is JNI, and a JNI call pins
 * the virtual thread's carrier for its whole duration: with one carrier per core, a burst of objects
 * being evicted and activated (each close an fsync) would otherwise leave no carrier for anything
 * else, and calls would wait in their mailboxes for seconds. The calling virtual thread waits
 * unmounted. Thread-safe.
 */
public final class DiskCalls {
    /** fsyncs of many files overlap well (the filesystem journal merges them); more threads buy little. */
    public static final int THREADS = 16;

    /** Idle threads end after a while; the pool is never shut down, so a late close still finds a thread. */
    private final ThreadPoolExecutor threads = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name("cairn-disk-", 0).factory());

    public DiskCalls() {
        threads.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code work} on a disk thread and waits for it; what it throws is rethrown as is. */
    public <T> T call(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, threads).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    public void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }
}
