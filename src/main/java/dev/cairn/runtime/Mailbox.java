package dev.cairn.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One object's bounded queue of events. Callers offer from any thread; only the object's own thread
 * takes. Everything is guarded by one lock, which also makes "idle" (empty, not processing, no work
 * of its own pending) and "closed" atomic with respect to offers: an event is either taken by the
 * loop, or expired, or refused, never lost.
 */
final class Mailbox {
    enum Offer { ACCEPTED, FULL, CLOSED }

    private enum State { OPEN, DRAINING, CLOSED }

    private final int capacity;
    private final ArrayDeque<Envelope> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private State state = State.OPEN;
    private boolean busy;
    /** Work the object started outside its events that has not delivered its outcome: the object is not idle. */
    private int held;

    Mailbox(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Events waiting (not counting the batch being run). */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    Offer offer(Envelope e) {
        lock.lock();
        try {
            if (state != State.OPEN) {
                return Offer.CLOSED;
            }
            if (queue.size() >= capacity) {
                return Offer.FULL;
            }
            queue.addLast(e);
            changed.signal();
            return Offer.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues the outcome of the object's own work, past the capacity (it is bounded by the work started,
     * and refusing it would lose it). Refused only once the mailbox is closed.
     */
    boolean offerOwn(Envelope e) {
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return false;
            }
            queue.addLast(e);
            changed.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Work outside the object's events started: the object stays active until {@link #release}. */
    void hold() {
        lock.lock();
        try {
            held++;
        } finally {
            lock.unlock();
        }
    }

    /** That work ended (its outcome queued first, so the object is never idle in between) or ran past its limit. */
    void release() {
        lock.lock();
        try {
            held--;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for events and takes up to {@code max} of them (the previous batch is then finished).
     * Returns null once the mailbox is closed, or draining and empty: the loop must stop.
     */
    List<Envelope> takeBatch(int max) throws InterruptedException {
        lock.lock();
        try {
            busy = false;
            while (queue.isEmpty()) {
                if (state != State.OPEN) {
                    state = State.CLOSED;
                    return null;
                }
                changed.await();
            }
            int n = Math.min(max, queue.size());
            List<Envelope> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(queue.pollFirst());
            }
            busy = true;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** The loop finished its batch (before releasing the replies). */
    void batchDone() {
        lock.lock();
        try {
            busy = false;
        } finally {
            lock.unlock();
        }
    }

    /** Still taking events (not closed or draining). */
    boolean isOpen() {
        lock.lock();
        try {
            return state == State.OPEN;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the mailbox if nothing is queued or running; the loop then stops. */
    boolean closeIfIdle() {
        lock.lock();
        try {
            if (state != State.OPEN || busy || held > 0 || !queue.isEmpty()) {
                return false;
            }
            state = State.CLOSED;
            changed.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new events; the loop runs what is queued and then stops. */
    void drain() {
        lock.lock();
        try {
            if (state == State.OPEN) {
                state = State.DRAINING;
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the mailbox and hands back what was still queued, for the caller to refuse. */
    List<Envelope> closeAndTakeAll() {
        lock.lock();
        try {
            state = State.CLOSED;
            List<Envelope> rest = new ArrayList<>(queue);
            queue.clear();
            changed.signal();
            return rest;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the events queued before {@code cutoffMillis} (the oldest are at the head),
     * except the outcomes of the object's own work, which no caller waits for.
     */
    List<Envelope> expireQueuedBefore(long cutoffMillis) {
        lock.lock();
        try {
            List<Envelope> expired = List.of();
            for (var it = queue.iterator(); it.hasNext(); ) {
                Envelope e = it.next();
                if (e.enqueuedAtMillis >= cutoffMillis) {
                    break;
                }
                if (!(e.event instanceof Event.Resume)) {
                    if (expired.isEmpty()) {
                        expired = new ArrayList<>();
                    }
                    expired.add(e);
                    it.remove();
                }
            }
            return expired;
        } finally {
            lock.unlock();
        }
    }
}
