package dev.cairn.api;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A handle on one object. Every call is queued in the object's mailbox and runs as one event on the
 * object's thread; its writes commit (durably) before its result is returned.
 *
 * @param <T> the object class
 */
public interface Stub<T> {

    ObjectId id();

    /** The hint given when the stub was made, if any. */
    Optional<LocationHint> locationHint();

    /**
     * Runs {@code method} on the object and waits for its committed result. From inside an object,
     * the calling object waits (it receives no other event meanwhile); a call that would come back to
     * an object already waiting in the chain fails at once instead of deadlocking.
     *
     * @throws ObjectException when the object's code threw (its writes were rolled back)
     * @throws OverloadedException when the object's mailbox is full or the call waited too long
     */
    <R> R call(ObjectCall<? super T, R> method);

    /** Like {@link #call} but returns at once; the stage completes after the commit. */
    <R> CompletionStage<R> send(ObjectCall<? super T, R> method);

    /**
     * Sends raw HTTP to the object's {@link FetchHandler}.
     *
     * @throws UnsupportedOperationException (in the stage) when the object has no fetch handler
     */
    CompletionStage<FetchResponse> fetch(FetchRequest request);
}
