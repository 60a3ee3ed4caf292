package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.api.ObjectId;
import dev.cairn.api.Operation;
import dev.cairn.examples.Counter;
import dev.cairn.examples.api.CounterStub;
import dev.cairn.examples.model.CounterValue;
import dev.cairn.examples.model.IncrementRequest;
import dev.cairn.testing.CairnTestKit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stub asks {@link Placement} on every call: an object here runs the operation's lambda in its
 * mailbox; a typed operation to an object elsewhere goes to {@link RemoteCalls} with the owner's id;
 * a lambda to an object elsewhere fails at once. (The HTTP side of remote calls: HttpRemoteCallsTest.)
 */
class RemoteCallsTest {
    /** What the remote side was asked, answered with a value of 41. */
    private static final List<String> SENT = new CopyOnWriteArrayList<>();

    private static final RemoteCalls RECORDING = new RemoteCalls() {
        @Override
        @SuppressWarnings("unchecked")
        public <R> CompletionStage<R> send(String node, ObjectId id, Operation<?, R> operation) {
            SENT.add(node + " " + id.name().orElseThrow() + " " + operation);
            return CompletableFuture.completedFuture((R) new CounterValue().value(41L));
        }
    };

    /** Counters named far-… live on node n2. */
    private static final Placement FAR = id -> id.name().orElse("").startsWith("far-")
            ? new Placement.Location.Elsewhere("n2") : Placement.Location.HERE;

    @RegisterExtension
    final CairnTestKit cairn = CairnTestKit.builder().namespace("counter", Counter.class).cluster(FAR, RECORDING).freshPerTest().build();

    @Test
    void anOperationOnAnObjectHereRunsInItsMailbox() {
        CounterStub near = CounterStub.byName(cairn.namespaces(), "near");
        assertEquals(3L, near.increment(new IncrementRequest().by(3L)).getValue());
        assertEquals(5L, near.incrementAsync(new IncrementRequest().by(2L)).toCompletableFuture().join().getValue());
        assertEquals(List.of(), SENT.stream().filter(s -> s.contains(" near ")).toList());
    }

    @Test
    void anOperationOnAnObjectElsewhereIsSentToItsOwnerAsItsRestRequest() {
        SENT.clear();
        CounterStub far = CounterStub.byName(cairn.namespaces(), "far-1");
        assertEquals(41L, far.increment(new IncrementRequest().by(3L)).getValue());
        assertEquals(41L, far.valueAsync().toCompletableFuture().join().getValue());
        assertEquals(List.of("n2 far-1 POST /increment", "n2 far-1 GET "), SENT);
        assertEquals(List.of(), cairn.ids("counter"), "nothing ran here");
    }

    @Test
    void aLambdaToAnObjectElsewhereFailsAtOnceSayingToUseTheTypedStub() {
        var far = cairn.namespace(Counter.class).getByName("far-2");
        var called = assertThrows(IllegalStateException.class, () -> far.call(c -> c.value()));
        assertEquals("object " + far.id() + " of namespace 'counter' (Counter) lives on node n2; a lambda cannot cross nodes:"
                + " call it through the typed methods of the stub generated from its contract"
                + " (<Kind>Stub.of(stub).<operation>(…), where the class implements <Kind>Api)", called.getMessage());
        assertThrows(IllegalStateException.class, () -> far.send(c -> c.value()), "send refuses at once too");
    }

    @Test
    void withoutRemoteCallsAnObjectElsewhereCannotBeReachedAndTheErrorSaysWhy() {
        var failed = RemoteCalls.NONE.send("n3", cairn.namespace(Counter.class).idFromName("x"),
                Operation.Route.get("/value", dev.cairn.api.Result.none()).operation(o -> null, null));
        var e = assertThrows(CompletionException.class, () -> failed.toCompletableFuture().join());
        assertTrue(e.getCause().getMessage().endsWith("lives on node n3, but this node was built without a way to call other nodes"),
                e.getCause().getMessage());
    }
}
