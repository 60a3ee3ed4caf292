package dev.cairn.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.api.ObjectCall;
import dev.cairn.api.ObjectId;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.UnknownNamespaceException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * The object runtime of one node: namespaces, the catalog of active objects and the housekeeper.
 * Thread-safe. Built with {@code new} (tests) or by {@link EngineProducer} (the service).
 */
final class Engine implements Namespaces {
    private static final Logger LOG = Logger.getLogger(Engine.class);

    private final Settings settings;
    private final InstantSource clock;
    private final ValueCodec codec;
    private final Map<String, LocalNamespace<?>> byName = new LinkedHashMap<>();
    private final Map<Class<?>, LocalNamespace<?>> byClass = new LinkedHashMap<>();
    private final Catalog catalog = new Catalog(this);
    private final SocketHub sockets;
    private final ScheduledExecutorService housekeeper;
    private volatile boolean shuttingDown;

    Engine(Settings settings, List<NamespaceDeclarations.Declaration> declarations, InstantSource clock, RandomGenerator random,
            ObjectMapper json) {
        this(settings, declarations, clock, random, json, WebSocketSettings.DEFAULTS);
    }

    Engine(Settings settings, List<NamespaceDeclarations.Declaration> declarations, InstantSource clock, RandomGenerator random,
            ObjectMapper json, WebSocketSettings webSockets) {
        this.settings = settings;
        this.clock = clock;
        this.codec = new ValueCodec(json);
        this.sockets = new SocketHub(this, webSockets, random);
        for (var d : declarations) {
            LocalNamespace<?> ns = namespace(d, random);
            byName.put(d.name(), ns);
            byClass.put(d.kind().type(), ns);
        }
        this.housekeeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("cairn-housekeeper").factory());
        long every = settings.housekeepingInterval().toMillis();
        housekeeper.scheduleWithFixedDelay(this::sweepSafely, every, every, TimeUnit.MILLISECONDS);
    }

    private <T> LocalNamespace<T> namespace(NamespaceDeclarations.Declaration d, RandomGenerator random) {
        @SuppressWarnings("unchecked")
        ObjectKind<T> kind = (ObjectKind<T>) d.kind();
        return new LocalNamespace<>(d.name(), kind, new IdCodec(d.name(), d.key(), random),
                d.mailboxCapacity().orElse(settings.mailboxCapacity()), this);
    }

    Settings settings() {
        return settings;
    }

    InstantSource clock() {
        return clock;
    }

    ValueCodec codec() {
        return codec;
    }

    Catalog catalog() {
        return catalog;
    }

    SocketHub sockets() {
        return sockets;
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Namespace<T> of(Class<T> kind) {
        LocalNamespace<?> ns = byClass.get(kind);
        if (ns == null) {
            throw new UnknownNamespaceException("no namespace is bound to class " + kind.getName()
                    + "; declare one with cairn.namespaces.<name>.class=" + kind.getName());
        }
        return (Namespace<T>) ns;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Namespace<T> get(String name, Class<T> kind) {
        Namespace<?> ns = get(name);
        if (ns.kind() != kind) {
            throw new UnknownNamespaceException("namespace '" + name + "' holds " + ns.kind().getName()
                    + ", not " + kind.getName());
        }
        return (Namespace<T>) ns;
    }

    @Override
    public Namespace<?> get(String name) {
        LocalNamespace<?> ns = byName.get(name);
        if (ns == null) {
            throw new UnknownNamespaceException("unknown namespace '" + name + "'; declared: "
                    + String.join(", ", byName.keySet()));
        }
        return ns;
    }

    CompletableFuture<Object> submit(LocalNamespace<?> namespace, ObjectId id, ObjectCall<?, ?> call, CallChain chain) {
        if (shuttingDown) {
            return CompletableFuture.failedFuture(shuttingDown());
        }
        Envelope e = new Envelope(call, clock.millis(), chain);
        catalog.deliver(namespace, id, e);
        return e.reply;
    }

    static OverloadedException shuttingDown() {
        return new OverloadedException("Cairn is shutting down; retry after it restarts", true);
    }

    /** One housekeeping pass now (tests drive it after moving the clock). */
    List<CompletableFuture<Void>> sweep() {
        return catalog.sweep(clock.millis());
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.error("housekeeping failed; retrying at the next interval", e);
        }
    }

    /**
     * Graceful stop: refuse new calls, let every object finish what is queued (up to the drain
     * timeout), then refuse whatever is still queued. Returns when every object has stopped or the
     * timeout has passed.
     */
    void shutdown() {
        awaitDrained(beginShutdown());
    }

    /** First half of {@link #shutdown}: from now on new calls are refused; queued ones still run. */
    List<ObjectLoop> beginShutdown() {
        shuttingDown = true;
        housekeeper.shutdownNow();
        sockets.closeAllForShutdown();
        return catalog.drainAll();
    }

    /** Second half of {@link #shutdown}: waits for the objects, refusing what is left after the timeout. */
    void awaitDrained(List<ObjectLoop> loops) {
        CompletableFuture<Void> all = CompletableFuture.allOf(loops.stream().map(l -> l.terminated).toArray(CompletableFuture[]::new));
        try {
            all.get(settings.shutdownDrainTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            int refused = 0;
            for (ObjectLoop l : loops) {
                for (Envelope q : l.mailbox.closeAndTakeAll()) {
                    q.reply.completeExceptionally(shuttingDown());
                    refused++;
                }
            }
            LOG.warnf("shutdown: objects still busy after %s; refused %d queued calls",
                    settings.shutdownDrainTimeout(), refused);
        } catch (Exception e) {
            LOG.warn("shutdown interrupted", e);
        }
    }
}
