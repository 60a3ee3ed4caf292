package dev.cairn.engine;

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
    private final Engine engine;

    LocalStub(LocalNamespace<T> namespace, ObjectId id, Optional<LocationHint> locationHint, Engine engine) {
        this.namespace = namespace;
        this.id = id;
        this.locationHint = locationHint;
        this.engine = engine;
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
            return (R) engine.submit(namespace, id, method, chain).join();
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
        return (CompletionStage<R>) engine.submit(namespace, id, method, CallChain.current());
    }

    @Override
    public CompletionStage<FetchResponse> fetch(FetchRequest request) {
        if (!FetchHandler.class.isAssignableFrom(namespace.kind())) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("objects of namespace '"
                    + namespace.name() + "' (" + namespace.kind().getSimpleName() + ") have no fetch handler"));
        }
        return send(object -> ((FetchHandler) object).fetch(request));
    }
}
