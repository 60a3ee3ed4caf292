package dev.cairn.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.api.ObjectContext;
import dev.cairn.api.ObjectId;
import dev.cairn.api.Stub;
import dev.cairn.runtime.Node;
import dev.cairn.runtime.NodeMeters;
import dev.cairn.runtime.ObjectWork;
import dev.cairn.runtime.Placement;
import dev.cairn.runtime.RemoteCalls;
import dev.cairn.service.CairnConfig;
import dev.cairn.service.ConfiguredSettings;
import io.quarkus.arc.Arc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sqlite.SQLiteDataSource;

/**
 * The way to test objects, modelled on Cloudflare's vitest pool ({@code runInDurableObject},
 * {@code runDurableObjectAlarm}, {@code listDurableObjectIds}). A JUnit 5 extension that runs a real
 * Cairn node (real SQLite files, real mailboxes and threads) without starting Quarkus:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final CairnTestKit cairn = CairnTestKit.builder().namespace("counter", Counter.class).build();
 *
 * @Test
 * void incrementsPersist() {
 *     Stub<Counter> counter = cairn.get(Counter.class, "hello");
 *     counter.call(c -> c.increment(5));
 *     cairn.evict(counter);                                 // hibernate: the next call starts a new instance
 *     assertEquals(5, cairn.runIn(counter, (c, ctx) -> ctx.storage().get("value", Long.class)));
 * }
 * }</pre>
 *
 * <p>Each test class gets a fresh data directory (or each test: {@link Builder#freshPerTest()}), and a
 * {@link FakeClock} that stands still until the test moves it. Inside a {@code @QuarkusTest},
 * {@link #inQuarkus()} gives the same methods over the running service's node and clock.
 *
 * <p>Thread-safe for what a test does with it: its node is replaced only between tests (or by {@link #restart()}).
 */
public final class CairnTestKit implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /** How long the kit waits for anything it asks of the node before failing the test. */
    private static final long WAIT_SECONDS = 30;
    /** Like the service's mapper: java.time and the JDK 8 types through the modules on the class path. */
    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    /** How long one data directory lives. */
    private enum Freshness { PER_CLASS, PER_TEST, QUARKUS }

    private final Map<String, String> properties;
    private final Freshness freshness;
    private final FakeClock clock;
    private final RandomGenerator random;
    private final Function<List<String>, NodeMeters> meters;
    private final Placement placement;
    private final RemoteCalls remoteCalls;
    private volatile Node node;
    private volatile Path dataDir;

    private CairnTestKit(Map<String, String> properties, Freshness freshness, FakeClock clock, RandomGenerator random,
            Function<List<String>, NodeMeters> meters, Placement placement, RemoteCalls remoteCalls) {
        this.properties = properties;
        this.freshness = freshness;
        this.clock = clock;
        this.random = random;
        this.meters = meters;
        this.placement = placement;
        this.remoteCalls = remoteCalls;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The running service's node and clock, inside a {@code @QuarkusTest} (its data directory is the test profile's). */
    public static CairnTestKit inQuarkus() {
        var kit = new CairnTestKit(Map.of(), Freshness.QUARKUS, Arc.container().instance(FakeClock.class).get(), null, null,
                null, null);
        kit.node = Arc.container().instance(Node.class).get();
        return kit;
    }

    /** What the node is built with. */
    public static final class Builder {
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Freshness freshness = Freshness.PER_CLASS;
        private Instant start = Instant.parse("2026-01-01T00:00:00Z");
        private RandomGenerator random = new SecureRandom();
        private Function<List<String>, NodeMeters> meters = names -> NodeMeters.NONE;
        private Placement placement = Placement.SINGLE_NODE;
        private RemoteCalls remoteCalls = RemoteCalls.NONE;

        private Builder() {
            // Alarms fire when the test asks (fireDueAlarms, runAlarm), not by a timer against the fake clock.
            properties.put("cairn.alarms.timer", "false");
        }

        /** Declares namespace {@code name} served by {@code kind} (as {@code cairn.namespaces.<name>.class} does). */
        public Builder namespace(String name, Class<?> kind) {
            return property("cairn.namespaces." + name + ".class", kind.getName());
        }

        /** Sets a configuration property, as in application.properties ({@code cairn.objects.max-active}, …). */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /** A fresh data directory (and node) for every test instead of every test class. */
        public Builder freshPerTest() {
            freshness = Freshness.PER_TEST;
            return this;
        }

        /** Where the fake clock starts (default 2026-01-01T00:00:00Z). */
        public Builder clockAt(Instant t) {
            start = t;
            return this;
        }

        /** The node's randomness (ids, backoff jitter); a secure random by default. */
        public Builder random(RandomGenerator r) {
            random = r;
            return this;
        }

        /** Where the node's meters go, given the declared namespaces' names (nowhere by default). */
        public Builder meters(Function<List<String>, NodeMeters> m) {
            meters = m;
            return this;
        }

        /**
         * Where objects live (every one on this node by default), and how typed calls reach those that
         * live elsewhere (nowhere by default): to test an object's calls to objects of other nodes.
         */
        public Builder cluster(Placement p, RemoteCalls r) {
            placement = p;
            remoteCalls = r;
            return this;
        }

        public CairnTestKit build() {
            return new CairnTestKit(Map.copyOf(properties), freshness, new FakeClock(start), random, meters, placement,
                    remoteCalls);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (freshness == Freshness.PER_CLASS) {
            start(newDataDir());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (freshness == Freshness.PER_TEST) {
            start(newDataDir());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (freshness == Freshness.PER_TEST) {
            stopAndDelete();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (freshness == Freshness.PER_CLASS) {
            stopAndDelete();
        }
    }

    /** The node under test. */
    public Node node() {
        Node n = node;
        if (n == null) {
            throw new IllegalStateException("no node: register the kit with @RegisterExtension (static for a class-wide one)");
        }
        return n;
    }

    public Namespaces namespaces() {
        return node();
    }

    public FakeClock clock() {
        return clock;
    }

    /** The data directory of the node under test. */
    public Path dataDir() {
        return node().settings().dataDir();
    }

    /** The stub of the object named {@code name} in the namespace served by {@code kind}. */
    public <T> Stub<T> get(Class<T> kind, String name) {
        return node().of(kind).getByName(name);
    }

    public <T> Namespace<T> namespace(Class<T> kind) {
        return node().of(kind);
    }

    /**
     * Runs {@code work} inside the object, as one of its events, with the instance and its context
     * (Cloudflare's {@code runInDurableObject}); its writes commit like a call's. What it throws is
     * rethrown as the object's caller sees it.
     */
    public <T, R> R runIn(Stub<T> stub, ObjectWork<T, R> work) {
        return await(node().runIn(stub.id(), work));
    }

    /** Runs the object's alarm now, whatever its time (Cloudflare's {@code runDurableObjectAlarm}); false when it has none. */
    public boolean runAlarm(Stub<?> stub) {
        return node().alarms().runNow(stub.id());
    }

    /** Fires every alarm due by the clock now and returns once they have run and their outcome is recorded. */
    public void fireDueAlarms() {
        await(node().alarms().fireDue());
    }

    /**
     * Returns once the work the object started outside its events so far ({@code ctx.outside},
     * {@code ctx.waitUntil}) has settled: each outcome run as an event and committed (or dropped), each
     * waitUntil ended.
     */
    public void awaitOutsideWork(Stub<?> stub) {
        await(node().outsideWorkSettled(stub.id()));
    }

    /** Evicts the object (it hibernates: instance dropped, database closed) and returns once it has stopped; it must be idle. */
    public void evict(Stub<?> stub) {
        await(node().evict(stub.id()));
    }

    /** Evicts every idle object and returns once they have stopped. */
    public void evictAll() {
        await(node().evictAllIdle());
    }

    /**
     * Moves the clock past the idle timeout and runs a housekeeping pass, as the node's housekeeper
     * would: every object idle now hibernates. Returns once they have stopped, with how many did.
     */
    public int passIdleTimeout() {
        clock.advance(node().settings().idleTimeout().plusSeconds(1));
        var stopped = node().sweep();
        stopped.forEach(CairnTestKit::await);
        return stopped.size();
    }

    /** One housekeeping pass now, without moving the clock or waiting for what it evicts. Returns how many it evicted. */
    public int sweep() {
        return node().sweep().size();
    }

    /** Whether the object has a live instance (it is not hibernated). */
    public boolean isActive(Stub<?> stub) {
        return node().isActive(stub.id());
    }

    /** The ids of every object the namespace holds on disk (Cloudflare's {@code listDurableObjectIds}). */
    public List<ObjectId> ids(String namespace) {
        return node().storedIds(namespace);
    }

    /** Stops the node gracefully and starts a new one over the same data directory (what a restart of the service does). */
    public void restart() {
        if (freshness == Freshness.QUARKUS) {
            throw new UnsupportedOperationException("restart the service itself (an integration test) instead");
        }
        Path dir = dataDir;
        node().shutdown();
        start(dir);
    }

    /** Stops the node gracefully; a later {@link #restart()} starts it again. */
    public void stop() {
        node().shutdown();
    }

    private void start(Path dir) {
        dataDir = dir;
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.put("cairn.data-dir", dir.toString());
        CairnConfig config = ConfiguredSettings.mapping(all);
        var declarations = ConfiguredSettings.declarations(config);
        var ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("alarm-index.sqlite"));
        node = new Node(ConfiguredSettings.from(config), declarations, clock, random, JSON, ds,
                meters.apply(declarations.live().stream().map(d -> d.name()).toList()), placement, remoteCalls, Optional.empty());
    }

    private static Path newDataDir() {
        try {
            return Files.createTempDirectory("cairn-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopAndDelete() {
        Node n = node;
        node = null;
        if (n != null && !n.isShuttingDown()) {
            n.shutdown();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the test's data directory " + dataDir, e);
        }
    }

    private static <R> R await(CompletableFuture<R> f) {
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the node did not answer within " + WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
