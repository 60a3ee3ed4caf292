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
     * Runs {@code method} on the object and waits for its committed result. A lambda runs only where
     * the object lives: in a cluster, for an object on another node it fails at once with an
     * {@link IllegalStateException}; call such objects through their typed stub ({@link #call(Operation)}). From inside an object,
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
     * Runs a typed operation (what a generated {@code <Kind>Stub} method passes) and waits for its
     * committed result. On this node it runs {@link Operation#local()} exactly like {@link #call(ObjectCall)};
     * when the object lives on another node of a cluster, the operation is sent there as its REST
     * request, and the owner's answer comes back as the result or as the same exception a local call
     * would throw ({@link Refusal} with its status, {@link OverloadedException}, {@link ObjectException}).
     *
     * @throws NodeUnreachableException when the object's node did not answer
     */
    <R> R call(Operation<? super T, R> operation);

    /** Like {@link #call(Operation)} but returns at once; the stage completes after the commit. */
    <R> CompletionStage<R> send(Operation<? super T, R> operation);

    /**
     * Sends raw HTTP to the object's {@link FetchHandler}.
     *
     * @throws UnsupportedOperationException (in the stage) when the object has no fetch handler
     */
    CompletionStage<FetchResponse> fetch(FetchRequest request);
}
