package dev.cairn.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.api.ObjectCall;
import dev.cairn.api.ObjectId;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.UnknownNamespaceException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import javax.sql.DataSource;
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
    private final CairnMetrics metrics;
    private final DiskCalls diskCalls = new DiskCalls();
    private final SocketHub sockets;
    private final ScheduledExecutorService housekeeper;
    private final AlarmIndex alarmIndex;
    private final AlarmScheduler alarms;
    /** Durability {@code full} only: makes commits durable (see {@link CommitLog}). */
    private final CommitLog commitLog;
    private volatile boolean shuttingDown;

    /**
     * {@code alarmIndexData}: the SQLite database of the node's alarm index (see {@link AlarmIndex});
     * {@code meterRegistry}: where the engine's meters go (a {@code SimpleMeterRegistry} in unit tests).
     */
    Engine(Settings settings, List<NamespaceDeclarations.Declaration> declarations, InstantSource clock, RandomGenerator random,
            ObjectMapper json, DataSource alarmIndexData, MeterRegistry meterRegistry, WebSocketSettings webSockets) {
        this.settings = settings;
        this.clock = clock;
        // First: what a machine crash left in the log goes back into the WALs before any database opens.
        this.commitLog = settings.durability() == Durability.FULL ? CommitLog.open(settings.dataDir(), settings.commitLog()) : null;
        this.codec = new ValueCodec(json);
        this.metrics = new CairnMetrics(meterRegistry, declarations.stream().map(NamespaceDeclarations.Declaration::name).toList());
        metrics.bind(catalog);
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
        this.alarmIndex = new AlarmIndex(alarmIndexData, settings.durability());
        this.alarms = new AlarmScheduler(this, alarmIndex, settings.alarms(), clock, random);
        alarms.start();
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

    AlarmScheduler alarms() {
        return alarms;
    }

    AlarmIndex alarmIndex() {
        return alarmIndex;
    }

    CommitLog commitLog() {
        return commitLog;
    }

    DiskCalls diskCalls() {
        return diskCalls;
    }

    CairnMetrics metrics() {
        return metrics;
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
            OverloadedException refused = shuttingDown();
            namespace.meters().completed(refused);
            return CompletableFuture.failedFuture(refused);
        }
        Envelope e = new Envelope(call, clock.millis(), chain, namespace.meters());
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

    /**
     * First half of {@link #shutdown}: from now on new calls are refused; queued ones still run.
     * Idempotent: a second call returns the objects still active.
     */
    List<ObjectLoop> beginShutdown() {
        shuttingDown = true;
        housekeeper.shutdownNow();
        alarms.stop();
        sockets.closeAllForShutdown();
        return catalog.drainAll();
    }

    /**
     * Second half of {@link #shutdown}: waits for the objects (each commits its last batch and closes
     * its database as it stops), refusing what is left after the timeout, and logs the outcome.
     */
    void awaitDrained(List<ObjectLoop> loops) {
        long deadline = System.nanoTime() + settings.shutdownDrainTimeout().toNanos();
        int refused = 0;
        try {
            waitFor(loops, deadline);
            // Loops activated by calls that passed the shutdown check just before it was set: they
            // drain themselves (Catalog.deliver); wait for them too.
            waitFor(catalog.drainAll(), deadline);
        } catch (TimeoutException e) {
            for (ObjectLoop l : catalog.drainAll()) {
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
        int open = catalog.activeCount();
        if (open == 0) {
            LOG.infof("shutdown: every object stopped, %d queued calls refused; all databases closed", refused);
        } else {
            LOG.warnf("shutdown: %d queued calls refused; %d objects still running a call, their databases stay open"
                    + " until the process exits (what they committed is in the WAL)", refused, open);
        }
        alarms.awaitOutcomes(deadline);
        alarmIndex.close();
        alarms.close();
        if (commitLog != null) {
            commitLog.close(open == 0);
        }
    }

    private static void waitFor(List<ObjectLoop> loops, long deadlineNanos) throws Exception {
        CompletableFuture<Void> all = CompletableFuture.allOf(loops.stream().map(l -> l.terminated).toArray(CompletableFuture[]::new));
        all.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
