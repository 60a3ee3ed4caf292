package dev.cairn.runtime;

import dev.cairn.api.Completion;
import dev.cairn.api.ObjectId;
import dev.cairn.api.Outcome;
import dev.cairn.runtime.NodeMeters.NamespaceMeters;
import dev.cairn.runtime.NodeMeters.OutsideEnd;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The work one object activation runs outside its events ({@code ctx.outside}, {@code ctx.waitUntil}):
 * each piece starts on a virtual thread of its own once the event that asked for it has committed,
 * holds the object active (its mailbox is not idle) until it ends or runs past the limit, and delivers
 * its outcome back as a {@link Event.Resume} event, queued past the mailbox's capacity.
 *
 * <p>Thread-safe: {@link #start}, {@link #checkAsked} and {@link #resume} run on the object's thread,
 * the work on its own threads, {@link #interruptOverdue} on the housekeeper's; {@link #settled} on any.
 */
final class OutsideWork {
    private static final Logger LOG = Logger.getLogger(OutsideWork.class);

    /** A piece of work under way, holding the object active while it is in {@link #running}: when it started, its thread. */
    private record Running(long startedMillis, Thread thread) {}

    private final ObjectId id;
    private final Mailbox mailbox;
    private final InstantSource clock;
    private final NamespaceMeters meters;
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    /** Started and not yet settled (outcome run and committed, dropped, or waitUntil ended); guarded by {@code this}. */
    private int unsettled;
    private final List<CompletableFuture<Void>> waiters = new ArrayList<>();

    OutsideWork(ObjectId id, Mailbox mailbox, InstantSource clock, NamespaceMeters meters) {
        this.id = id;
        this.mailbox = mailbox;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * Starts {@code work} now (the event that asked for it has committed); its outcome goes to
     * {@code then} of the instance of {@code startedBy}, or nowhere when {@code then} is null (waitUntil).
     */
    @SuppressWarnings("unchecked")
    <T> void start(Callable<T> work, Completion<T> then, LiveContext startedBy) {
        long key = ids.incrementAndGet();
        synchronized (this) {
            unsettled++;
        }
        mailbox.hold();
        Thread thread = Thread.ofVirtual().name("cairn outside " + id.namespace() + "/" + id.toString().substring(0, 12)).unstarted(() -> {
            Outcome<Object> outcome;
            try {
                outcome = new Outcome.Success<>(work.call());
            } catch (Exception e) {
                outcome = new Outcome.Failure<>(e);
            }
            // Released before it counts as settled, so that whoever waits for that finds the object idle.
            if (then == null) {
                if (outcome instanceof Outcome.Failure<Object>(Exception e)) {
                    LOG.warnf(e, "work that %s/%s left running (waitUntil) failed", id.namespace(), id);
                }
                release(key);
                ended(outcome instanceof Outcome.Success ? OutsideEnd.COMPLETED : OutsideEnd.FAILED);
                return;
            }
            Envelope resume = new Envelope(new Event.Resume((Completion<Object>) then, outcome, startedBy), clock.millis(),
                    CallChain.EMPTY, meters);
            if (!mailbox.offerOwn(resume)) {
                resume.reply.complete(Boolean.FALSE); // the activation stopped: no instance to give it to
            }
            release(key);
            resume.reply.whenComplete((delivered, failed) -> {
                if (failed != null) {
                    LOG.warnf("the outcome of work %s/%s ran outside its events was not kept: %s", id.namespace(), id,
                            CallerErrors.messageOf(failed));
                }
                ended(Boolean.TRUE.equals(delivered) ? OutsideEnd.DELIVERED : OutsideEnd.DROPPED);
            });
        });
        running.put(key, new Running(clock.millis(), thread));
        thread.start();
    }

    /** Refuses work asked for other than by a running event of the live instance, on the object's thread. */
    void checkAsked(boolean byRunningEvent) {
        if (!byRunningEvent) {
            throw new IllegalStateException("work outside the events of " + id.namespace() + "/" + id
                    + " can be started only while one of its events runs, on its own thread");
        }
    }

    /**
     * The object's thread: runs the outcome of work for the instance that started it, whose context
     * {@code live} is (null: no instance); false (dropped) when that instance is gone.
     */
    static Boolean resume(Event.Resume resume, LiveContext live) throws Exception {
        if (live == null || resume.startedBy() != live) {
            return Boolean.FALSE;
        }
        resume.then().complete(resume.outcome());
        return Boolean.TRUE;
    }

    /** Housekeeper: interrupts work running past {@code limit}; it no longer holds the object active. */
    void interruptOverdue(long nowMillis, Duration limit) {
        for (var entry : running.entrySet()) {
            Running r = entry.getValue();
            if (nowMillis - r.startedMillis() >= limit.toMillis() && running.remove(entry.getKey(), r)) {
                LOG.warnf("work that %s/%s runs outside its events has run past cairn.objects.outside-work-limit (%d ms): interrupted;"
                        + " the object may be evicted now", id.namespace(), id, limit.toMillis());
                meters.outsideOverdue();
                r.thread().interrupt();
                mailbox.release();
            }
        }
    }

    /** Pieces of work under way. */
    int running() {
        return running.size();
    }

    /** Completes once every piece of work started so far has settled: its outcome run and committed, or dropped. */
    synchronized CompletableFuture<Void> settled() {
        if (unsettled == 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiters.add(f);
        return f;
    }

    /** The work ended: it no longer holds the object active, unless the housekeeper released it already (past the limit). */
    private void release(long key) {
        if (running.remove(key) != null) {
            mailbox.release();
        }
    }

    private void ended(OutsideEnd end) {
        meters.outsideEnded(end);
        List<CompletableFuture<Void>> done;
        synchronized (this) {
            if (--unsettled > 0) {
                return;
            }
            done = new ArrayList<>(waiters);
            waiters.clear();
        }
        done.forEach(f -> f.complete(null));
    }
}
