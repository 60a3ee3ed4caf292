package dev.cairn.api;

import java.time.InstantSource;
import java.util.concurrent.Callable;

/**
 * What an object receives in its constructor: its identity, its storage and the namespaces it can
 * call. Valid for the life of one instance; used only on the object's own thread.
 */
public interface ObjectContext {

    /** This object's id; {@link ObjectId#name()} is present when it was addressed by name. */
    ObjectId id();

    /** This object's private, transactional storage. */
    Storage storage();

    /**
     * The object's open WebSockets (for classes implementing {@link WebSocketHandler}): list them, by
     * tag, and set the automatic response. Kept by Cairn across hibernation.
     */
    ObjectSockets sockets();

    /** The node's clock; use it instead of the system clock so tests can move time. */
    InstantSource clock();

    /** Every namespace of this node, to reach other objects (and this object's siblings). */
    Namespaces namespaces();

    /**
     * Runs {@code init} before any event is delivered to this instance and returns its result.
     *
     * <p>Cairn never interleaves events of one object, so code in the constructor already completes
     * before the first call; this method exists for code ported from Cloudflare and to make the intent
     * explicit. A throw fails the event that activated the object and resets the instance.
     */
    <T> T blockConcurrencyWhile(Callable<T> init);

    /**
     * Runs {@code work} off the object's thread, so that slow I/O (an LLM, a webhook) does not hold the
     * object: it goes on handling events meanwhile. When the work ends, {@code then} runs with its
     * {@link Outcome} as a new event of this instance, whose writes commit like any event's.
     *
     * <ul>
     * <li>The work starts once the current event's writes are committed (the output gate), and never
     * when the event fails: a call that is rolled back sends no request.</li>
     * <li>The work must not use storage (refused off the object's thread); {@code then} may.</li>
     * <li>{@code then} reaches only the instance that started the work: if that instance is gone (reset
     * by a failed event, evicted, moved to another node, stopped), the outcome is dropped and counted.</li>
     * <li>Pending work keeps the object active, for at most {@code cairn.objects.outside-work-limit}
     * (15 minutes by default); past it the work is interrupted and the object may be evicted.</li>
     * </ul>
     */
    <T> void outside(Callable<T> work, Completion<T> then);

    /**
     * Cloudflare's {@code ctx.waitUntil}: runs {@code work} off the object's thread once the current
     * event's writes are committed; it may outlive the event's reply, nothing is delivered back, and a
     * throw is logged. It keeps the object active as {@link #outside} does.
     */
    void waitUntil(Callable<?> work);

    /**
     * Ends the current event at once and resets this object (Cloudflare's {@code ctx.abort}). It never
     * returns: it throws {@link AbortedException}, and the event fails with it even when the object's
     * code catches it. The event's writes are rolled back, what it sent to sockets is dropped, and the
     * next event runs the constructor again; the caller gets {@code reason} (REST: 500, type
     * {@code aborted}). An alarm handler that aborts is retried, as one that throws.
     */
    default void abort(String reason) {
        abort(reason, AlarmAfterAbort.RETRY);
    }

    /** {@link #abort(String)}, saying whether an alarm handler's alarm is then retried or deleted. */
    void abort(String reason, AlarmAfterAbort alarm);
}
