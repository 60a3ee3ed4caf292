package dev.cairn.alarms;

import dev.cairn.api.ObjectId;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Thread-safe (the timer thread, the scanning thread and the threads completing alarm events all go
 * through one lock): the alarms due soon, held in memory in time order, at most one per object.
 */
final class DueQueue {
    /** Longest the timer sleeps without looking at the clock again (a test's clock may jump). */
    private static final long MAX_WAIT_MILLIS = 1_000;

    private record Due(long atMillis, ObjectId id) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = Long.compare(atMillis, o.atMillis);
            if (c != 0) {
                return c;
            }
            c = id.namespace().compareTo(o.id.namespace());
            return c != 0 ? c : id.toString().compareTo(o.id.toString());
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TreeSet<Due> queue = new TreeSet<>();
    private final Map<ObjectId, Due> queued = new HashMap<>();

    /** Holds the object's alarm for {@code atMillis}, replacing the one it held. */
    void put(ObjectId id, long atMillis) {
        lock.lock();
        try {
            Due old = queued.remove(id);
            if (old != null) {
                queue.remove(old);
            }
            Due due = new Due(atMillis, id);
            queue.add(due);
            queued.put(id, due);
            if (queue.first() == due) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    void remove(ObjectId id) {
        lock.lock();
        try {
            Due old = queued.remove(id);
            if (old != null) {
                queue.remove(old);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the alarms due by {@code now} off the queue and marks them in flight (in the same step, so
     * whoever fires due alarms by hand never misses one the timer has taken but not yet sent). An alarm
     * already in flight is left to that attempt. Returns each taken alarm's in-flight mark.
     */
    Map<ObjectId, CompletableFuture<Void>> takeDue(long now, ConcurrentHashMap<ObjectId, CompletableFuture<Void>> inFlight) {
        Map<ObjectId, CompletableFuture<Void>> due = new HashMap<>();
        lock.lock();
        try {
            while (!queue.isEmpty() && queue.first().atMillis() <= now) {
                Due d = queue.pollFirst();
                queued.remove(d.id());
                CompletableFuture<Void> done = new CompletableFuture<>();
                if (inFlight.putIfAbsent(d.id(), done) == null) {
                    due.put(d.id(), done);
                }
            }
        } finally {
            lock.unlock();
        }
        return due;
    }

    /**
     * On the timer thread: waits until the first alarm is due by {@code clock} (or a while, or a
     * {@link #wake}), then takes what is due; empty when nothing is yet.
     */
    Map<ObjectId, CompletableFuture<Void>> awaitDue(InstantSource clock, ConcurrentHashMap<ObjectId, CompletableFuture<Void>> inFlight)
            throws InterruptedException {
        lock.lock();
        try {
            long now = clock.millis();
            long wait = queue.isEmpty() ? MAX_WAIT_MILLIS : Math.min(queue.first().atMillis() - now, MAX_WAIT_MILLIS);
            if (wait > 0) {
                changed.await(wait, TimeUnit.MILLISECONDS);
                return Map.of();
            }
            return takeDue(now, inFlight);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the timer (it is stopping). */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
