package dev.cairn.runtime;

import dev.cairn.migrations.NamespaceMigrations;
import dev.cairn.namespaces.IdCodec;

import dev.cairn.namespaces.ObjectKind;

import dev.cairn.namespaces.NamespaceDeclarations;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.alarms.AlarmIndex;
import dev.cairn.alarms.AlarmScheduler;
import dev.cairn.alarms.AlarmTargets;
import dev.cairn.alarms.AlarmWork;
import dev.cairn.inventory.Inventory;
import dev.cairn.api.Namespace;
import dev.cairn.api.Namespaces;
import dev.cairn.api.ObjectId;
import dev.cairn.api.OverloadedException;
import dev.cairn.api.UnknownNamespaceException;
import dev.cairn.sockets.SocketEvent;
import dev.cairn.sockets.SocketHub;
import dev.cairn.sockets.SocketTargets;
import dev.cairn.storage.AlarmChange;
import dev.cairn.storage.CommitSink;
import dev.cairn.history.History;
import dev.cairn.storage.DiskCalls;
import dev.cairn.storage.Durability;
import dev.cairn.storage.ValueCodec;
import dev.cairn.storage.log.CommitLog;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The object runtime of one node, and this package's entry point: namespaces, the catalog of active
 * objects, the housekeeper, and the one way into an object's mailbox ({@link #deliver}). It builds the
 * node's parts (commit log, alarm scheduler, socket hub) and hands each the narrow view of the node it
 * needs. Thread-safe. Built with {@code new} (tests, the test kit) or by the service's producer.
 *
 * <p>Longer than 400 lines on purpose: it is the package's façade, most of its methods a few lines
 * handing a request to the part that serves it; splitting them would only add a second façade.
 */
public final class Node implements Namespaces, Mailboxes {
    private static final Logger LOG = Logger.getLogger(Node.class);
    /** The inventory of object databases, in the data directory beside the namespaces' directories. */
    static final String INVENTORY_FILE = "inventory.sqlite";

    private final Settings settings;
    private final InstantSource clock;
    private final Map<String, LocalNamespace<?>> byName = new LinkedHashMap<>();
    private final Map<Class<?>, LocalNamespace<?>> byClass = new LinkedHashMap<>();
    private final Catalog catalog;
    /** What every object loop works with. */
    private final LoopServices loopServices;
    private final SocketHub sockets;
    private final ScheduledExecutorService housekeeper;
    private final AlarmIndex alarmIndex;
    /** What the node stores, by object (see {@link Inventory}). */
    private final Inventory inventory;
    private final AlarmScheduler alarms;
    /** Durability {@code full} only: makes commits durable (see {@link CommitLog}). */
    private final CommitLog commitLog;
    private final Placement placement;
    private volatile boolean shuttingDown;

    /**
     * {@code alarmIndexData}: the SQLite database of the node's alarm index (see {@link AlarmIndex});
     * {@code meters}: where the node's meters go ({@link NodeMeters#NONE} for none);
     * {@code placement}: where objects live ({@link Placement#SINGLE_NODE});
     * {@code remoteCalls}: how typed calls reach objects placed on other nodes ({@link RemoteCalls#NONE});
     * {@code replicated}: in a replicated cluster, where commits become durable instead of the node's own
     * commit log.
     */
    public Node(Settings settings, NamespaceDeclarations.Declared declared, InstantSource clock,
            RandomGenerator random, ObjectMapper json, DataSource alarmIndexData, NodeMeters meters, Placement placement,
            RemoteCalls remoteCalls, Optional<CommitSink> replicated) {
        this.settings = settings;
        this.clock = clock;
        this.placement = placement;
        // First: what a machine crash left in the log goes back into the WALs before any database opens.
        this.commitLog = replicated.isEmpty() && settings.durability() == Durability.FULL
                ? CommitLog.open(settings.dataDir(), settings.commitLog()) : null;
        // Each object's history sees its commits after the node's sink has made them durable.
        History history = replicated.isPresent() ? History.off("a replicated cluster keeps no history yet (single-node mode only)")
                : History.kept(settings.history(), clock);
        CommitSink durability = history.over(replicated.orElse(commitLog != null ? commitLog : CommitSink.RELAXED));
        ValueCodec codec = new ValueCodec(json);
        this.sockets = new SocketHub(new Sockets(), settings.webSockets(), codec, clock, random, meters.sockets());
        this.alarmIndex = new AlarmIndex(alarmIndexData, settings.durability());
        // Then: renames and deletions of namespaces, before anything reads their objects, alarms or listings.
        var migrated = new NamespaceMigrations(settings.dataDir(), NamespaceIndexes.of(alarmIndex, settings.dataDir().resolve(INVENTORY_FILE)), clock)
                .apply(declared);
        for (var d : declared.live()) {
            LocalNamespace<?> ns = namespace(d, migrated.keyOrigins().get(d.name()), random, meters, placement, remoteCalls);
            byName.put(d.name(), ns);
            byClass.put(d.kind().type(), ns);
        }
        this.alarms = new AlarmScheduler(new Alarms(), alarmIndex, settings.alarms(), clock, random, meters.alarms());
        // Loops are made only by deliveries, which come after this constructor.
        this.catalog = new Catalog(settings, this::newLoop, this::isShuttingDown);
        this.inventory = new Inventory(settings.dataDir().resolve(INVENTORY_FILE), new Inventory.Layout() {
            @Override
            public java.nio.file.Path databaseFile(String namespace, String id) {
                return catalog.databaseFile(namespace, id);
            }

            @Override
            public List<ObjectId> stored() {
                return storedIds(id -> true);
            }
        }, clock, settings.inventoryFlushInterval());
        this.loopServices = new LoopServices(settings, clock, catalog, this, codec, new DiskCalls(), durability, history, alarms, sockets,
                placement, inventory);
        this.housekeeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("cairn-housekeeper").factory());
        long every = settings.housekeepingInterval().toMillis();
        housekeeper.scheduleWithFixedDelay(this::sweepSafely, every, every, TimeUnit.MILLISECONDS);
        alarms.start();
    }

    private ObjectLoop newLoop(LocalNamespace<?> namespace, ObjectId id) {
        return new ObjectLoop(namespace, id, loopServices);
    }

    /** {@code origin}: the name the namespace's objects were first stored under, from which the default key of their ids derives. */
    private <T> LocalNamespace<T> namespace(NamespaceDeclarations.Declaration d, String origin, RandomGenerator random,
            NodeMeters meters, Placement placement, RemoteCalls remoteCalls) {
        @SuppressWarnings("unchecked")
        ObjectKind<T> kind = (ObjectKind<T>) d.kind();
        return new LocalNamespace<>(d.name(), kind, new IdCodec(d.name(), d.keyFor(origin), random),
                d.mailboxCapacity().orElse(settings.mailboxCapacity()), d.eventTimeout().orElse(settings.eventTimeout()), this,
                placement, remoteCalls,
                meters.namespace(d.name()));
    }

    public Settings settings() {
        return settings;
    }

    public InstantSource clock() {
        return clock;
    }

    /** The node's alarms: the public {@link dev.cairn.api.Alarms} API, the index scan, firing due alarms. */
    public AlarmScheduler alarms() {
        return alarms;
    }

    /** What the node stores, by object: the admin API's listings and the storage meters read it. */
    public Inventory inventory() {
        return inventory;
    }

    /** The node-wide alarm index (its health is checked by the service). */
    public AlarmIndex alarmIndex() {
        return alarmIndex;
    }

    /** The node's sockets, for the WebSocket adapter. */
    public SocketHub sockets() {
        return sockets;
    }

    /**
     * The objects {@code moved} selects no longer live on this node (their group's leadership moved):
     * their sockets close with 1012, queued calls are refused as not run, running batches finish.
     * Completes once each has stopped and closed its database.
     */
    public CompletableFuture<Void> evictMoved(Predicate<ObjectId> moved) {
        sockets.closeMoved(moved);
        return catalog.evictMoved(moved);
    }

    /** The stored objects (of every namespace) that {@code selected} selects. */
    public List<ObjectId> storedIds(Predicate<ObjectId> selected) {
        List<ObjectId> ids = new ArrayList<>();
        for (String ns : byName.keySet()) {
            storedIds(ns).stream().filter(selected).forEach(ids::add);
        }
        return ids;
    }

    /**
     * A commit of the object stored in {@code file} (relative to the data directory), replicated here
     * from another node, changed its alarm: the alarm index follows, so this node knows the alarm
     * should it take the object over. A file of a namespace not declared here is ignored, with a warning.
     */
    public void alarmReplicated(String file, AlarmChange change) {
        ObjectId id;
        try {
            Catalog.StoredFile stored = Catalog.StoredFile.of(file);
            id = local(stored.namespace()).idFromIndex(stored.hex(),
                    change instanceof AlarmChange.Set set ? set.objectName().orElse(null) : null);
        } catch (RuntimeException e) { // an undeclared namespace, a file of another layout: not an object of this node's
            LOG.warnf("alarms: a replicated alarm change of %s is ignored: %s", file, e.getMessage());
            return;
        }
        alarms.groups().replicated(id, change);
    }

    /** Where objects live; the WebSocket upgrade asks it, as stubs do. */
    public Placement placement() {
        return placement;
    }

    /** The catalog of active objects, for tests of this package that reach past the node's own checks. */
    Catalog catalog() {
        return catalog;
    }

    public boolean isShuttingDown() {
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
        if (!kind.isAssignableFrom(ns.kind())) {
            throw new UnknownNamespaceException("namespace '" + name + "' holds " + ns.kind().getName() + ", which "
                    + (kind.isInterface() ? "does not implement " : "is not ") + kind.getName());
        }
        return (Namespace<T>) ns;
    }

    @Override
    public Namespace<?> get(String name) {
        return local(name);
    }

    private LocalNamespace<?> local(String name) {
        LocalNamespace<?> ns = byName.get(name);
        if (ns == null) {
            throw new UnknownNamespaceException("unknown namespace '" + name + "'; declared: "
                    + String.join(", ", byName.keySet()));
        }
        return ns;
    }

    /**
     * The one way into an object's mailbox: everything an object receives comes through here, is
     * counted here (by outcome, when its reply completes), and is refused here once the node stops.
     */
    @Override
    public CompletableFuture<Object> deliver(LocalNamespace<?> namespace, ObjectId id, Event event, CallChain chain) {
        if (shuttingDown) {
            OverloadedException refused = shuttingDown();
            namespace.meters().completed(refused);
            return CompletableFuture.failedFuture(refused);
        }
        Envelope e = new Envelope(event, clock.millis(), chain, namespace.meters());
        catalog.deliver(namespace, id, e);
        return e.reply;
    }

    /** Runs {@code work} inside the object as one of its events, with its instance and context (the test kit's {@code runIn}). */
    @SuppressWarnings("unchecked")
    public <T, R> CompletableFuture<R> runIn(ObjectId id, ObjectWork<T, R> work) {
        ObjectWork<Object, Object> erased = (ObjectWork<Object, Object>) (ObjectWork<?, ?>) work;
        return deliver(local(id.namespace()), id, new Event.Within(erased), CallChain.current()).thenApply(r -> (R) r);
    }

    /**
     * Runs {@code work} inside a stored object as one of its events (activating it without constructing
     * its instance); what the work throws is thrown to the caller, and the object's instance is kept.
     *
     * @throws NoSuchElementException (completing the future) when no database of the object is stored on this node
     */
    public <R> CompletableFuture<R> administer(ObjectId id, AdminWork<R> work) {
        if (!java.nio.file.Files.exists(catalog.databaseFile(id))) {
            return CompletableFuture.failedFuture(notStored(id));
        }
        AdminWork<Object> caught = (database, sockets, timeLimit) -> AdminFailure.caught(() -> work.run(database, sockets, timeLimit));
        return deliver(local(id.namespace()), id, new Event.Admin(caught), CallChain.current()).thenApply(AdminFailure::rethrown);
    }

    /**
     * Runs {@code work} on a stored object's bookmarks, as one of its events; a restore it asks for
     * restarts the object after the event, restored. What the work throws is thrown to the caller, and
     * the object's instance is kept.
     *
     * @throws NoSuchElementException (completing the future) when no database of the object is stored on this node
     */
    public CompletableFuture<String> bookmarks(ObjectId id, java.util.function.Function<dev.cairn.history.Bookmarks, String> work) {
        if (!java.nio.file.Files.exists(catalog.databaseFile(id))) {
            return CompletableFuture.failedFuture(notStored(id));
        }
        java.util.function.Function<dev.cairn.history.Bookmarks, Object> caught = bookmarks -> AdminFailure.caught(() -> work.apply(bookmarks));
        return deliver(local(id.namespace()), id, new Event.Bookmark(caught), CallChain.current()).thenApply(AdminFailure::rethrown);
    }

    /**
     * An administrator's work that failed, carried as the event's result: a refused query or bookmark is
     * the administrator's answer, not a failed event, so the object's instance is kept.
     */
    private record AdminFailure(RuntimeException failure) {
        static Object caught(java.util.function.Supplier<?> work) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                return new AdminFailure(e);
            }
        }

        @SuppressWarnings("unchecked")
        static <R> R rethrown(Object result) {
            if (result instanceof AdminFailure(RuntimeException failure)) {
                throw failure;
            }
            return (R) result;
        }
    }

    /**
     * Deletes a stored object: its tables, entries and alarm in one commit (all or nothing, whatever
     * crashes), its sockets closed, its instance dropped, then its files; the next call finds a new,
     * empty object. Completes once the files are gone.
     *
     * @throws NoSuchElementException (completing the future) when no database of the object is stored on this node
     */
    public CompletableFuture<Void> delete(ObjectId id) {
        if (!java.nio.file.Files.exists(catalog.databaseFile(id))) {
            return CompletableFuture.failedFuture(notStored(id));
        }
        return deliver(local(id.namespace()), id, new Event.Delete(), CallChain.current()).thenApply(r -> null);
    }

    private static java.util.NoSuchElementException notStored(ObjectId id) {
        return new java.util.NoSuchElementException("no object " + id + " of namespace '" + id.namespace() + "' is stored on this node");
    }

    /** The longest an administrator's query runs: {@code limit}, or half the namespace's event time limit when that is shorter. */
    static java.time.Duration adminTimeLimit(java.time.Duration limit, java.time.Duration eventTimeout) {
        java.time.Duration half = eventTimeout.dividedBy(2);
        return half.compareTo(limit) < 0 ? half : limit;
    }

    /** Most objects open or closing at once: {@code max-active} plus 10 % for those still closing. */
    public static int hardLimit(int maxActive) {
        return Catalog.hardLimit(maxActive);
    }

    public static OverloadedException shuttingDown() {
        return new OverloadedException("Cairn is shutting down; retry after it restarts", true);
    }

    /** One housekeeping pass now (tests drive it after moving the clock); completes as the objects it evicted stop. */
    public List<CompletableFuture<Void>> sweep() {
        return catalog.sweep(clock.millis());
    }

    /** Evicts the object now if it is idle; completes once it has stopped (at once when it was not active). */
    public CompletableFuture<Void> evict(ObjectId id) {
        return catalog.evict(id);
    }

    /** Evicts every idle object now, whatever the clock says; completes once they have stopped. */
    public CompletableFuture<Void> evictAllIdle() {
        return catalog.evictAllIdle();
    }

    /** The ids of every object of {@code namespace} stored on this node (their names are not stored). */
    public List<ObjectId> storedIds(String namespace) {
        try {
            return catalog.storedIds(local(namespace));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list the objects of namespace '" + namespace + "'", e);
        }
    }

    public boolean isActive(ObjectId id) {
        return catalog.isActive(id);
    }

    /** Objects of {@code namespace} open or closing. */
    public int activeCount(String namespace) {
        return catalog.activeCount(local(namespace).name());
    }

    /** The declared namespaces' names and object classes, in declared order. */
    public Map<String, Class<?>> declared() {
        Map<String, Class<?>> declared = new LinkedHashMap<>();
        byName.forEach((name, ns) -> declared.put(name, ns.kind()));
        return declared;
    }

    /** The id of {@code hex} in {@code namespace}, without a name. @throws UnknownNamespaceException, IllegalArgumentException */
    public ObjectId idOf(String namespace, String hex) {
        return local(namespace).idFromString(hex);
    }

    /** Objects open or closing. */
    public int activeCount() {
        return catalog.activeCount();
    }

    /** Active objects still taking events (not closing after an eviction). */
    public int openCount() {
        return catalog.openCount();
    }

    /** Events waiting in all mailboxes. */
    public int queuedEvents() {
        return catalog.queuedCalls();
    }

    /** Work active objects run outside their events ({@code ctx.outside}, {@code ctx.waitUntil}). */
    public int outsideWorkRunning() {
        return catalog.outsideWorkRunning();
    }

    /**
     * Completes once the work the object started outside its events so far has settled: each outcome
     * run (and committed) or dropped, each waitUntil ended. At once when the object is not active.
     */
    public CompletableFuture<Void> outsideWorkSettled(ObjectId id) {
        return catalog.outsideWorkSettled(id);
    }

    /** Events waiting in the fullest mailbox. */
    public int deepestMailbox() {
        return catalog.deepestMailbox();
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
    public void shutdown() {
        beginShutdown();
        new ShutdownDrain(catalog, settings.shutdownDrainTimeout(), alarms, alarmIndex, inventory, Optional.ofNullable(commitLog)).run();
    }

    /**
     * First half of {@link #shutdown}: from now on new calls are refused; queued ones still run.
     * Idempotent. Returns how many objects are still active, finishing what they have queued.
     */
    public int beginShutdown() {
        shuttingDown = true;
        housekeeper.shutdownNow();
        alarms.stop();
        sockets.closeAllForShutdown();
        return catalog.drainAll().size();
    }

    /** The node as the alarm scheduler sees it. */
    private final class Alarms implements AlarmTargets {
        @Override
        public CompletableFuture<Object> send(ObjectId id, AlarmWork work) {
            return deliver(local(id.namespace()), id, new Event.Alarm(work), CallChain.EMPTY);
        }

        @Override
        public boolean runsHere(ObjectId id) {
            return placement.locate(id) instanceof Placement.Location.Here;
        }

        @Override
        public ObjectId idFromIndex(String namespace, String hex, String name) {
            return local(namespace).idFromIndex(hex, name);
        }

        @Override
        public void requireNamespace(String namespace) {
            local(namespace);
        }
    }

    /** The node as the sockets see it. */
    private final class Sockets implements SocketTargets {
        @Override
        public CompletableFuture<Object> send(ObjectId id, SocketEvent event) {
            return deliver(local(id.namespace()), id, new Event.Socket(event), CallChain.EMPTY);
        }

        @Override
        public boolean isActive(ObjectId id) {
            return catalog.isActive(id);
        }
    }
}
