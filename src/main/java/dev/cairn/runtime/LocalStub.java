package dev.cairn.runtime;

import dev.cairn.api.CallCycleException;
import dev.cairn.api.FetchHandler;
import dev.cairn.api.FetchRequest;
import dev.cairn.api.FetchResponse;
import dev.cairn.api.LocationHint;
import dev.cairn.api.ObjectCall;
import dev.cairn.api.ObjectId;
import dev.cairn.api.Stub;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** A stub on this node: calls go into the object's mailbox. Immutable and thread-safe. */
final class LocalStub<T> implements Stub<T> {
    private final LocalNamespace<T> namespace;
    private final ObjectId id;
    private final Optional<LocationHint> locationHint;
    private final Mailboxes mailboxes;
    private final Placement placement;

    LocalStub(LocalNamespace<T> namespace, ObjectId id, Optional<LocationHint> locationHint, Mailboxes mailboxes,
            Placement placement) {
        this.namespace = namespace;
        this.id = id;
        this.locationHint = locationHint;
        this.mailboxes = mailboxes;
        this.placement = placement;
    }

    @Override
    public ObjectId id() {
        return id;
    }

    @Override
    public Optional<LocationHint> locationHint() {
        return locationHint;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R call(ObjectCall<? super T, R> method) {
        CallChain chain = CallChain.current();
        if (chain.contains(id)) {
            throw new CallCycleException("call cycle: " + chain + " -> " + id.namespace() + "/"
                    + id.name().orElse(id.toString()) + " is already waiting in this chain of calls;"
                    + " an object runs one event at a time, so this call could never run");
        }
        try {
            return (R) deliver(new Event.Call(erased(method)), chain).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> CompletionStage<R> send(ObjectCall<? super T, R> method) {
        return (CompletionStage<R>) deliver(new Event.Call(erased(method)), CallChain.current());
    }

    @Override
    public CompletionStage<FetchResponse> fetch(FetchRequest request) {
        if (!FetchHandler.class.isAssignableFrom(namespace.kind())) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("objects of namespace '"
                    + namespace.name() + "' (" + namespace.kind().getSimpleName() + ") have no fetch handler"));
        }
        return deliver(new Event.Fetch(request), CallChain.current()).thenApply(FetchResponse.class::cast);
    }

    @SuppressWarnings("unchecked")
    private static ObjectCall<Object, Object> erased(ObjectCall<?, ?> method) {
        return (ObjectCall<Object, Object>) method;
    }

    /** Into the object's mailbox, where it lives (always here on a single node). */
    private CompletableFuture<Object> deliver(Event event, CallChain chain) {
        return switch (placement.locate(id)) {
            case Placement.Location.Here here -> mailboxes.deliver(namespace, id, event, chain);
            case Placement.Location.Elsewhere elsewhere -> CompletableFuture.failedFuture(new UnsupportedOperationException(
                    "object " + id + " lives on node " + elsewhere.node() + "; this node cannot reach other nodes"));
        };
    }
}
