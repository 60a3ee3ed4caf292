package dev.cairn.forwarding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Namespaces;
import dev.cairn.api.NodeUnreachableException;
import dev.cairn.api.ObjectId;
import dev.cairn.api.Operation;
import dev.cairn.api.Refusal;
import dev.cairn.examples.Counter;
import dev.cairn.examples.Inventory;
import dev.cairn.examples.KvStore;
import dev.cairn.examples.api.CounterStub;
import dev.cairn.examples.api.InventoryStub;
import dev.cairn.examples.api.KvStoreStub;
import dev.cairn.examples.model.IncrementRequest;
import dev.cairn.examples.model.KvEntry;
import dev.cairn.examples.model.ReserveRequest;
import dev.cairn.examples.model.RestockRequest;
import dev.cairn.runtime.Placement;
import dev.cairn.runtime.RemoteCalls;
import dev.cairn.testing.CairnTestKit;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Typed calls to objects of another node, over real HTTP: a node of the test kit ("n1") places
 * objects named {@code far-…} on "n2", which is this running service; n3 refuses connections and n4
 * accepts them but never answers. What runs on n2 is read back through n2's own node.
 */
@QuarkusTest
class HttpRemoteCallsTest {
    @TestHTTPResource("/")
    URI service;
    @Inject
    Vertx vertx;
    @Inject
    ObjectMapper json;
    /** n2's own namespaces: the service's node. */
    @Inject
    Namespaces owner;

    private static volatile RemoteCalls remote = RemoteCalls.NONE;

    /** The kit's node sends what is elsewhere through {@link #remote}, made once the service runs. */
    private static final RemoteCalls THROUGH_HTTP = new RemoteCalls() {
        @Override
        public <R> CompletionStage<R> send(String node, ObjectId id, Operation<?, R> operation) {
            return remote.send(node, id, operation);
        }
    };

    /** far-…: on n2; n3-…, n4-…: on those; the rest here. */
    private static final Placement PLACEMENT = id -> {
        String name = id.name().orElse("far-by-id");
        return name.startsWith("far-") ? new Placement.Location.Elsewhere("n2")
                : name.startsWith("n3-") ? new Placement.Location.Elsewhere("n3")
                : name.startsWith("n4-") ? new Placement.Location.Elsewhere("n4") : Placement.Location.HERE;
    };

    @RegisterExtension
    final CairnTestKit n1 = CairnTestKit.builder().namespace("counter", Counter.class).namespace("inventory", Inventory.class)
            .namespace("kv", KvStore.class).cluster(PLACEMENT, THROUGH_HTTP).freshPerTest().build();

    private HttpClient http;
    private ServerSocket silent;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private int closedPort;

    @BeforeEach
    void connect() throws IOException {
        silent = new ServerSocket(0);
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    held.add(silent.accept()); // and never answer
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Map<String, URI> urls = Map.of("n2", URI.create("http://localhost:" + service.getPort()),
                "n3", URI.create("http://127.0.0.1:" + closedPort), "n4", URI.create("http://127.0.0.1:" + silent.getLocalPort()));
        http = vertx.createHttpClient();
        remote = new HttpRemoteCalls(http, new NodeAddresses() {
            @Override
            public String self() {
                return "n1";
            }

            @Override
            public URI of(String node) {
                URI url = urls.get(node);
                if (url == null) {
                    throw new IllegalArgumentException("no member " + node);
                }
                return url;
            }
        }, json, Duration.ofMillis(1500));
    }

    @AfterEach
    void close() throws IOException {
        silent.close();
        for (Socket s : held) {
            s.close();
        }
        http.close();
    }

    private static String unique(String prefix) {
        return prefix + UUID.randomUUID();
    }

    @Test
    void aTypedCallToAnObjectOfAnotherNodeRunsThereAndAnswersItsResult() {
        String name = unique("far-counter-");
        CounterStub far = CounterStub.byName(n1.namespaces(), name);

        assertEquals(3L, far.increment(new IncrementRequest().by(3L)).getValue());
        assertEquals(5L, far.incrementAsync(new IncrementRequest().by(2L)).toCompletableFuture().join().getValue());
        assertEquals(5L, far.value().getValue());

        assertEquals(5L, CounterStub.byName(owner, name).value().getValue(), "it ran on the owner");
        assertEquals(List.of(), n1.ids("counter"), "and nothing ran here");
    }

    @Test
    void anObjectKnownOnlyByItsIdIsCalledThroughItsIdRoute() {
        String name = unique("by-id-");
        String hex = CounterStub.namespace(owner).idFromName(name).toString();
        CounterStub farById = CounterStub.byId(n1.namespaces(), hex); // no name: placed by PLACEMENT on n2

        assertEquals(7L, farById.increment(new IncrementRequest().by(7L)).getValue());
        assertEquals(7L, CounterStub.byName(owner, name).value().getValue(), "/ids/counter/<hex>/increment reached the same object");
    }

    @Test
    void pathAndQueryParametersArriveAsTheCallerGaveThem() {
        String store = unique("far-kv-");
        KvStoreStub far = KvStoreStub.byName(n1.namespaces(), store);
        String key = "a b/ü?&=#%";

        far.putKey(key, Map.of("seats", 12));
        far.putKey("other", "x");
        assertEquals(Map.of("seats", 12), far.getKey(key));
        List<KvEntry> listed = far.listKeys("a b", null, null, null, false, 10);
        assertEquals(List.of(key), listed.stream().map(KvEntry::getKey).toList());
        assertEquals(Map.of("seats", 12), listed.getFirst().getValue());
        assertNull(far.deleteAllKeysAsync().toCompletableFuture().join(), "an operation without a result answers null");
        assertEquals(List.of(), KvStoreStub.byName(owner, store).listKeys(null, null, null, null, false, null));
    }

    @Test
    void theOwnersRefusalIsTheCallersRefusalWithItsStatusAndMessage() {
        InventoryStub far = InventoryStub.byName(n1.namespaces(), unique("far-stock-"));
        far.restock("SKU-1", new RestockRequest().quantity(2));

        var refused = assertThrows(Refusal.class, () -> far.reserve("SKU-1", new ReserveRequest().order("o1").quantity(3)));
        assertEquals(Refusal.Status.CONFLICT, refused.status());
        assertEquals("only 2 of SKU-1 available; order o1 asks for 3", refused.getMessage());
        var sent = assertThrows(CompletionException.class, () -> far.releaseAsync("o9").toCompletableFuture().join());
        assertEquals(Refusal.Status.NOT_FOUND, assertInstanceOf(Refusal.class, sent.getCause()).status());
    }

    @Test
    void whatTheOwnersContractRefusesIsABadArgumentNamingTheRule() {
        CounterStub far = CounterStub.byName(n1.namespaces(), unique("far-strict-"));
        var refused = assertThrows(IllegalArgumentException.class, () -> far.increment(new IncrementRequest().by(-2_000_000L)));
        assertTrue(refused.getMessage().contains("by"), refused.getMessage());
    }

    @Test
    void aNodeThatRefusesConnectionsIsUnreachableAndTheCallWasNotSent() {
        var e = assertThrows(NodeUnreachableException.class, () -> CounterStub.byName(n1.namespaces(), "n3-c").value());
        assertEquals("n3", e.node());
        assertEquals(NodeUnreachableException.Delivery.NOT_SENT, e.delivery());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().startsWith("node n3 (http://127.0.0.1:" + closedPort + ") could not be connected to; the call was not sent"),
                e.getMessage());
    }

    @Test
    void aNodeThatDoesNotAnswerInTimeIsUnreachableAndTheCallMayHaveRun() {
        var e = assertThrows(NodeUnreachableException.class,
                () -> CounterStub.byName(n1.namespaces(), "n4-c").increment(new IncrementRequest().by(1L)));
        assertEquals(NodeUnreachableException.Delivery.UNKNOWN, e.delivery());
        assertTrue(e.getMessage().contains("did not answer; the call may or may not have run there"), e.getMessage());
    }
}
