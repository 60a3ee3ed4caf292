package dev.cairn.runtime;

import dev.cairn.api.ObjectId;
import dev.cairn.api.NotLeaderException;
import dev.cairn.api.OverloadedException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The active objects of this node: at most one loop per id. Delivers events (activating on demand),
 * evicts idle and least-recently-used objects, and expires calls queued for too long. Thread-safe:
 * callers deliver from any thread, the housekeeper sweeps, loops remove themselves when they stop.
 */
final class Catalog {
    /** An object's database file: {@code <data-dir>/<namespace>/<first two hex digits>/<hex id>.sqlite}. */
    private static final String DATABASE_SUFFIX = ".sqlite";

    /** Makes the loop of one activation (not started). */
    @FunctionalInterface
    interface LoopFactory {
        ObjectLoop create(LocalNamespace<?> namespace, ObjectId id);
    }

    private final Settings settings;
    private final LoopFactory loops;
    private final BooleanSupplier shuttingDown;
    private final ConcurrentHashMap<ObjectId, ObjectLoop> active = new ConcurrentHashMap<>();
    private final AtomicBoolean trimming = new AtomicBoolean();

    Catalog(Settings settings, LoopFactory loops, BooleanSupplier shuttingDown) {
        this.settings = settings;
        this.loops = loops;
        this.shuttingDown = shuttingDown;
    }

    /** Queues {@code e} for the object, activating it if needed; refuses it at once when the mailbox is full. */
    void deliver(LocalNamespace<?> namespace, ObjectId id, Envelope e) {
        while (true) {
            ObjectLoop loop = active.get(id);
            if (loop == null) {
                if (!roomForOneMore()) {
                    e.reply.completeExceptionally(new OverloadedException("Too many objects active on this node: "
                            + active.size() + " are open or closing, and none of them is idle (cairn.objects.max-active "
                            + settings.maxActive() + ", plus 10 % for objects still closing)", false));
                    return;
                }
                loop = activate(namespace, id);
            }
            loop.knownAs(id); // before the event can run: it may read ctx.id().name()
            switch (loop.mailbox.offer(e)) {
                case ACCEPTED -> {
                    if (shuttingDown.getAsBoolean()) {
                        // Accepted just as the shutdown began, possibly by a loop activated after the
                        // drain took its snapshot: this loop too runs what it has, then stops.
                        loop.mailbox.drain();
                    }
                    return;
                }
                case FULL -> {
                    namespace.meters().mailboxFull();
                    e.reply.completeExceptionally(new OverloadedException("Too many requests queued for object "
                            + describe(id) + " (mailbox capacity " + loop.mailbox.capacity() + ")", false));
                    return;
                }
                case CLOSED -> {
                    if (shuttingDown.getAsBoolean()) {
                        e.reply.completeExceptionally(Node.shuttingDown());
                        return;
                    }
                    replaceClosed(namespace, id, loop);
                }
            }
        }
    }

    /**
     * Whether another object may be activated. Past the cap idle objects are evicted (see
     * {@link #trimToCapacity()}), but busy ones cannot be: when that many objects all have work
     * queued and none could be evicted, one more would take open files the process may not have, so
     * it is refused instead (a retryable overload). Objects still closing get 10 % of slack.
     */
    private boolean roomForOneMore() {
        if (active.size() < hardLimit(settings.maxActive())) {
            return true;
        }
        return trimToCapacity() != 0;
    }

    /** Most objects open or closing at once: {@code max-active} plus 10 % for those still closing. */
    static int hardLimit(int maxActive) {
        return maxActive + Math.max(1, maxActive / 10);
    }

    private ObjectLoop activate(LocalNamespace<?> namespace, ObjectId id) {
        boolean[] created = {false};
        ObjectLoop loop = active.computeIfAbsent(id, key -> {
            created[0] = true;
            ObjectLoop fresh = loops.create(namespace, key);
            fresh.start(null);
            return fresh;
        });
        if (created[0] && active.size() > settings.maxActive()) {
            trimToCapacity();
        }
        return loop;
    }

    /** The loop was closed (evicted) under the caller: start the next activation after it. */
    private void replaceClosed(LocalNamespace<?> namespace, ObjectId id, ObjectLoop closed) {
        active.compute(id, (key, current) -> {
            if (current != null && current != closed) {
                return current;
            }
            ObjectLoop fresh = loops.create(namespace, key);
            fresh.start(closed);
            return fresh;
        });
    }

    /** Called by a loop as it stops. */
    void terminated(ObjectLoop loop) {
        active.remove(loop.id, loop);
    }

    /** Where an object's database is, relative to the data directory: {@code <namespace>/<first 2 hex digits>/<hex>.sqlite}. */
    record StoredFile(String namespace, String hex) {
        /** @throws IllegalArgumentException when {@code file} is not laid out so */
        static StoredFile of(String file) {
            Path p = Path.of(file);
            String name = p.getFileName().toString();
            if (p.getNameCount() != 3 || !name.endsWith(DATABASE_SUFFIX)) {
                throw new IllegalArgumentException("not an object's database file: " + file);
            }
            return new StoredFile(p.getName(0).toString(), name.substring(0, name.length() - DATABASE_SUFFIX.length()));
        }
    }

    Path databaseFile(ObjectId id) {
        return databaseFile(id.namespace(), id.toString());
    }

    Path databaseFile(String namespace, String hex) {
        return settings.dataDir().resolve(namespace).resolve(hex.substring(0, 2)).resolve(hex + DATABASE_SUFFIX);
    }

    /**
     * Expires calls queued longer than the deadline, answers events running past their time limit
     * ({@link ObjectLoop#timeOutOverdue}), interrupts outside work past its limit and closes the mailboxes of objects idle for the idle timeout.
     * Returns the evicted loops' termination, for tests that wait for it.
     */
    List<CompletableFuture<Void>> sweep(long nowMillis) {
        long deadline = settings.queueDeadline().toMillis();
        long idle = settings.idleTimeout().toMillis();
        List<CompletableFuture<Void>> evicted = new ArrayList<>();
        for (ObjectLoop loop : active.values()) {
            loop.timeOutOverdue(nowMillis);
            loop.outside.interruptOverdue(nowMillis, settings.outsideWorkLimit());
            for (Envelope e : loop.mailbox.expireQueuedBefore(nowMillis - deadline)) {
                e.reply.completeExceptionally(queuedTooLong(loop.namespace, loop.id, nowMillis - e.enqueuedAtMillis));
            }
            if (nowMillis - loop.lastActiveMillis() >= idle && loop.mailbox.closeIfIdle()) {
                evicted.add(loop.terminated);
            }
        }
        return evicted;
    }

    /**
     * Over the cap: evict idle objects, least recently used first, down to 90 % of the cap. Objects
     * already closing (evicted, their database still being closed) are counted: they still hold their
     * files, and the cap exists to keep open files under the process limit. When closes fall behind
     * (each one checkpoints and fsyncs), fewer objects stay open instead of more files being held.
     */
    /** Returns how many objects it evicted; -1 when another thread is trimming already. */
    private int trimToCapacity() {
        if (!trimming.compareAndSet(false, true)) {
            return -1;
        }
        try {
            int target = Math.max(1, settings.maxActive() * 9 / 10);
            // Snapshot the times first: they change while we sort, and a sort over moving keys
            // breaks TimSort's contract ("Comparison method violates its general contract!").
            record Aged(ObjectLoop loop, long lastActive) {}
            List<Aged> byAge = new ArrayList<>(active.size());
            for (ObjectLoop loop : active.values()) {
                byAge.add(new Aged(loop, loop.lastActiveMillis()));
            }
            byAge.sort(Comparator.comparingLong(Aged::lastActive));
            int excess = byAge.size() - target;
            int evicted = 0;
            for (int i = 0; i < byAge.size() && excess > 0; i++) {
                if (byAge.get(i).loop().mailbox.closeIfIdle()) {
                    excess--;
                    evicted++;
                }
            }
            return evicted;
        } finally {
            trimming.set(false);
        }
    }

    /** Graceful stop: every loop runs what is queued, then stops; new events are refused. */
    List<ObjectLoop> drainAll() {
        List<ObjectLoop> loops = new ArrayList<>(active.values());
        loops.forEach(l -> l.mailbox.drain());
        return loops;
    }

    /** Evicts the object if it is idle; completes once it has stopped (at once when it is not active or not idle). */
    CompletableFuture<Void> evict(ObjectId id) {
        ObjectLoop loop = active.get(id);
        if (loop == null || !loop.mailbox.closeIfIdle()) {
            return CompletableFuture.completedFuture(null);
        }
        return loop.terminated;
    }

    /**
     * The objects {@code moved} selects no longer run on this node: each mailbox closes at once, what
     * was queued is refused as not run, a running batch finishes (its commit fails when it cannot
     * replicate). Completes once every one has stopped and closed its database.
     */
    CompletableFuture<Void> evictMoved(Predicate<ObjectId> moved) {
        List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (ObjectLoop loop : active.values()) {
            if (moved.test(loop.id)) {
                for (Envelope e : loop.mailbox.closeAndTakeAll()) {
                    e.reply.completeExceptionally(new NotLeaderException(NotLeaderException.Outcome.NOT_RUN,
                            "object " + describe(loop.id) + " moved to another node; retry", null));
                }
                stopped.add(loop.terminated);
            }
        }
        return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new));
    }

    /** Evicts every idle object; completes once they have stopped. */
    CompletableFuture<Void> evictAllIdle() {
        List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (ObjectLoop loop : active.values()) {
            if (loop.mailbox.closeIfIdle()) {
                stopped.add(loop.terminated);
            }
        }
        return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new));
    }

    /**
     * The ids of every object of {@code namespace} with a database on this node, in id order. Lists
     * names only: other objects' files come and go meanwhile (a WAL removed as its database closes),
     * and reading their attributes would fail on one that just went.
     */
    List<ObjectId> storedIds(LocalNamespace<?> namespace) throws IOException {
        Path dir = settings.dataDir().resolve(namespace.name());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<ObjectId> ids = new ArrayList<>();
        try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path prefix : prefixes) {
                try (DirectoryStream<Path> databases = Files.newDirectoryStream(prefix, "*" + DATABASE_SUFFIX)) {
                    for (Path database : databases) {
                        String f = database.getFileName().toString();
                        ids.add(namespace.idFromString(f.substring(0, f.length() - DATABASE_SUFFIX.length())));
                    }
                } catch (NoSuchFileException removed) {
                    // an empty prefix directory removed while listed: no object there
                }
            }
        }
        ids.sort(Comparator.comparing(ObjectId::toString));
        return ids;
    }

    boolean isActive(ObjectId id) {
        return active.containsKey(id);
    }

    int activeCount() {
        return active.size();
    }

    /** Active objects of {@code namespace}, open or closing. */
    int activeCount(String namespace) {
        int n = 0;
        for (ObjectId id : active.keySet()) {
            if (id.namespace().equals(namespace)) {
                n++;
            }
        }
        return n;
    }

    /** Active objects still taking events (not closing after an eviction). */
    int openCount() {
        int open = 0;
        for (ObjectLoop loop : active.values()) {
            if (loop.mailbox.isOpen()) {
                open++;
            }
        }
        return open;
    }

    /** Calls waiting in all mailboxes (a gauge: computed when scraped). */
    int queuedCalls() {
        int sum = 0;
        for (ObjectLoop loop : active.values()) {
            sum += loop.mailbox.queued();
        }
        return sum;
    }

    /** Calls waiting in the fullest mailbox (a gauge: computed when scraped). */
    /** Work all active objects run outside their events. */
    int outsideWorkRunning() {
        int n = 0;
        for (ObjectLoop loop : active.values()) {
            n += loop.outside.running();
        }
        return n;
    }

    /** Completes once the work the object started outside its events so far has settled (at once when it is not active). */
    CompletableFuture<Void> outsideWorkSettled(ObjectId id) {
        ObjectLoop loop = active.get(id);
        return loop == null ? CompletableFuture.completedFuture(null) : loop.outside.settled();
    }

    int deepestMailbox() {
        int max = 0;
        for (ObjectLoop loop : active.values()) {
            max = Math.max(max, loop.mailbox.queued());
        }
        return max;
    }

    /** The failure of a call refused for waiting past the queue deadline (counted as an overload). */
    OverloadedException queuedTooLong(LocalNamespace<?> namespace, ObjectId id, long waitedMillis) {
        namespace.meters().queueDeadlinePassed();
        return new OverloadedException("Requests queued for too long: the call waited " + waitedMillis
                + " ms for object " + describe(id) + " (queue deadline " + settings.queueDeadline().toMillis()
                + " ms)", false);
    }

    private static String describe(ObjectId id) {
        return id.namespace() + "/" + id.name().orElse(id.toString());
    }
}
