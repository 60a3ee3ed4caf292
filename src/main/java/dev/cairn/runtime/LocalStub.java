package dev.cairn.runtime;

import dev.cairn.api.CallCycleException;
import dev.cairn.api.FetchHandler;
import dev.cairn.api.FetchRequest;
import dev.cairn.api.FetchResponse;
import dev.cairn.api.LocationHint;
import dev.cairn.api.NotLeaderException;
import dev.cairn.api.ObjectCall;
import dev.cairn.api.ObjectId;
import dev.cairn.api.Operation;
import dev.cairn.api.Stub;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A stub made on this node: calls to an object that lives here go into its mailbox; typed operations
 * to an object on another node go to {@link RemoteCalls}. Immutable and thread-safe.
 */
final class LocalStub<T> implements Stub<T> {
    private final LocalNamespace<T> namespace;
    private final ObjectId id;
    private final Optional<LocationHint> locationHint;
    private final Mailboxes mailboxes;
    private final Placement placement;
    private final RemoteCalls remoteCalls;

    LocalStub(LocalNamespace<T> namespace, ObjectId id, Optional<LocationHint> locationHint, Mailboxes mailboxes,
            Placement placement, RemoteCalls remoteCalls) {
        this.namespace = namespace;
        this.id = id;
        this.locationHint = locationHint;
        this.mailboxes = mailboxes;
        this.placement = placement;
        this.remoteCalls = remoteCalls;
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
        CallChain chain = notWaitingFor();
        return (R) joined(deliver(new Event.Call(erased(method)), chain, Local.LAMBDA));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> CompletionStage<R> send(ObjectCall<? super T, R> method) {
        return (CompletionStage<R>) deliver(new Event.Call(erased(method)), CallChain.current(), Local.LAMBDA);
    }

    @Override
    public <R> R call(Operation<? super T, R> operation) {
        CallChain chain = notWaitingFor();
        return joined(run(operation, chain));
    }

    @Override
    public <R> CompletionStage<R> send(Operation<? super T, R> operation) {
        return run(operation, CallChain.current());
    }

    /** Here: its local lambda, exactly as {@link #call(ObjectCall)}; elsewhere: the operation's request to the owner. */
    @SuppressWarnings("unchecked")
    private <R> CompletionStage<R> run(Operation<? super T, R> operation, CallChain chain) {
        return switch (placement.locate(id)) {
            case Placement.Location.Here here ->
                    (CompletionStage<R>) mailboxes.deliver(namespace, id, new Event.Call(erased(operation.local())), chain);
            case Placement.Location.Elsewhere elsewhere -> remoteCalls.send(elsewhere.node(), id, operation);
            case Placement.Location.Unavailable unavailable -> CompletableFuture.failedFuture(unavailable(unavailable));
        };
    }

    /** The current chain of calls, unless this object already waits in it. */
    private CallChain notWaitingFor() {
        CallChain chain = CallChain.current();
        if (chain.contains(id)) {
            throw new CallCycleException("call cycle: " + chain + " -> " + id.namespace() + "/"
                    + id.name().orElse(id.toString()) + " is already waiting in this chain of calls;"
                    + " an object runs one event at a time, so this call could never run");
        }
        return chain;
    }

    private static <R> R joined(CompletionStage<R> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    @Override
    public CompletionStage<FetchResponse> fetch(FetchRequest request) {
        if (!FetchHandler.class.isAssignableFrom(namespace.kind())) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("objects of namespace '"
                    + namespace.name() + "' (" + namespace.kind().getSimpleName() + ") have no fetch handler"));
        }
        try {
            return deliver(new Event.Fetch(request), CallChain.current(), Local.FETCH).thenApply(FetchResponse.class::cast);
        } catch (IllegalStateException elsewhere) {
            return CompletableFuture.failedFuture(elsewhere);
        }
    }

    @SuppressWarnings("unchecked")
    private static ObjectCall<Object, Object> erased(ObjectCall<?, ?> method) {
        return (ObjectCall<Object, Object>) method;
    }

    /** What cannot cross nodes, for the error that says so. */
    private enum Local {
        LAMBDA("a lambda cannot cross nodes: call it through the typed methods of the stub generated from its contract"
                + " (<Kind>Stub.of(stub).<operation>(…), where the class implements <Kind>Api)"),
        FETCH("a fetch from object code cannot cross nodes yet: send it to any node over HTTP");

        final String why;

        Local(String why) {
            this.why = why;
        }
    }

    /** Into the object's mailbox when it lives here (always, on a single node); what only runs locally fails at once elsewhere. */
    private CompletableFuture<Object> deliver(Event event, CallChain chain, Local what) {
        return switch (placement.locate(id)) {
            case Placement.Location.Here here -> mailboxes.deliver(namespace, id, event, chain);
            case Placement.Location.Elsewhere elsewhere -> throw new IllegalStateException("object " + id + " of namespace '"
                    + namespace.name() + "' (" + namespace.kind().getSimpleName() + ") lives on node " + elsewhere.node() + "; " + what.why);
            case Placement.Location.Unavailable unavailable -> CompletableFuture.failedFuture(unavailable(unavailable));
        };
    }

    private NotLeaderException unavailable(Placement.Location.Unavailable where) {
        return new NotLeaderException(NotLeaderException.Outcome.NOT_RUN, "object " + id + " of namespace '" + namespace.name()
                + "' has no node to run it right now (" + where.why() + "); retry", null);
    }
}
