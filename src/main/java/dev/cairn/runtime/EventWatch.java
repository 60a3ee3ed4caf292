package dev.cairn.runtime;

import dev.cairn.api.EventTimeoutException;
import dev.cairn.api.ObjectId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The time limit of one object's events: the call, fetch or alarm run in progress (none between events
 * and during socket events, which have a time limit of their own). Its loop begins and ends each event;
 * the housekeeper times out one that ran too long ({@link #timeOutOverdue}). The two meet on one atomic
 * swap, so an event either ends in time or counts as timed out, never both. Thread-safe.
 */
final class EventWatch {
    /** An event in progress: its envelope, the batch it commits with, when it began, and its time-out, once declared. */
    private record Running(Envelope event, List<Envelope> batch, long sinceMillis, EventTimeoutException timedOut) {}

    private final AtomicReference<Running> running = new AtomicReference<>();

    /** The loop: {@code event} of {@code batch} begins now. */
    void begin(Envelope event, List<Envelope> batch, long nowMillis) {
        if (!(event.event instanceof Event.Socket)) {
            running.set(new Running(event, batch, nowMillis, null));
        }
    }

    /** The loop: the event's code returned; the time-out declared meanwhile, if any (its callers have had their answers). */
    EventTimeoutException end() {
        Running ended = running.getAndSet(null);
        return ended == null ? null : ended.timedOut();
    }

    /**
     * Housekeeper: when the event in progress has run past {@code limit}, answers its caller with {@link
     * EventTimeoutException} at once, and the callers of the events it commits with (their writes cannot be
     * kept apart from its own). Returns the time-out declared, or null.
     */
    EventTimeoutException timeOutOverdue(long nowMillis, Duration limit, ObjectId id) {
        Running r = running.get();
        if (r == null || r.timedOut() != null || nowMillis - r.sinceMillis() < limit.toMillis()) {
            return null;
        }
        String what = switch (r.event().event) {
            case Event.Call call -> "call";
            case Event.Within within -> "call";
            case Event.Admin admin -> "admin query";
            case Event.Bookmark bookmark -> "admin restore";
            case Event.Delete delete -> "deletion";
            case Event.Fetch fetch -> "fetch";
            case Event.Alarm alarm -> "alarm run";
            case Event.Socket socket -> "socket event";
            case Event.Resume resume -> "outcome of outside work";
        };
        String object = id.namespace() + "/" + id;
        EventTimeoutException timedOut = new EventTimeoutException("the " + what + " of " + object + " ran past its time limit of "
                + limit.toMillis() + " ms (cairn.namespaces." + id.namespace() + ".event-timeout, else cairn.objects.event-timeout): its"
                + " writes are rolled back and the object reset once its code returns", EventTimeoutException.Role.THIS_EVENT);
        if (!running.compareAndSet(r, new Running(r.event(), r.batch(), r.sinceMillis(), timedOut))) {
            return null; // it ended meanwhile
        }
        EventTimeoutException sameBatch = new EventTimeoutException("another event of " + object
                + ", committed with this call, ran past its time limit: this call's writes are not saved; retry",
                EventTimeoutException.Role.SAME_BATCH);
        for (Envelope e : r.batch()) {
            e.reply.completeExceptionally(e == r.event() ? timedOut : sameBatch);
        }
        return timedOut;
    }
}
