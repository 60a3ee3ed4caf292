package dev.cairn.inventory;

import dev.cairn.api.ObjectId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The node's inventory of object databases (one SQLite file, {@code inventory.sqlite} in the data
 * directory), so that listing a namespace's objects or summing its bytes opens none of them.
 *
 * <p>How it stays true: a row exists, marked <em>open</em>, before an object's database is first
 * opened ({@link #opening}, which the object waits for), so no database exists that the inventory
 * does not list. Writes are only noted in memory as they commit ({@link #written}) and reach the file
 * in one transaction per flush interval, with the close of the activation ({@link #closed}), which
 * clears the mark. After a crash, start-up refreshes every row still marked open from its file (its
 * size and modification time): the one thing a crash can leave stale is what was not yet flushed.
 * An inventory file that is new while the data directory holds databases (a data directory written
 * before the inventory existed) is filled from the files once, without names.
 *
 * <p>Thread: one platform thread owns the connection and the table, and runs the submitted work in
 * order, in batches, each batch one transaction. {@link #written} and {@link #closed} may be called
 * from any thread; {@link #totals()} reads a snapshot the owning thread replaces.
 */
public final class Inventory implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Inventory.class);
    private static final int MAX_BATCH = 1024;

    /** Where the node's object databases are. */
    public interface Layout {
        Path databaseFile(String namespace, String id);

        /** Every object database stored now. */
        List<ObjectId> stored() throws IOException;
    }

    private record Task<T>(InventoryTable.Work<T> work, CompletableFuture<T> done) {}

    private final Layout layout;
    private final InstantSource clock;
    private final long flushEveryMillis;
    private final LinkedBlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    /** Writes and closes not yet in the table, by object; merged as they come. */
    private final ConcurrentHashMap<ObjectId, Change> unflushed = new ConcurrentHashMap<>();
    private volatile Map<String, NamespaceTotals> totals = Map.of();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean closing;
    /** Owned by the inventory thread. */
    private final InventoryTable table;

    /**
     * Opens (creating) {@code file}, starts its thread and waits while it repairs what a crash left (see
     * the class comment). {@code flushEvery}: how long a write may stay in memory only.
     */
    public Inventory(Path file, Layout layout, InstantSource clock, java.time.Duration flushEvery) {
        this.layout = layout;
        this.clock = clock;
        this.flushEveryMillis = Math.max(1, flushEvery.toMillis());
        this.table = new InventoryTable(file);
        CompletableFuture<Void> recovered = submit(c -> {
            recover(c);
            return null;
        });
        Thread.ofPlatform().daemon().name("cairn-inventory").start(this::run);
        recovered.join(); // the totals are read and what a crash left is repaired before anything asks
    }

    /**
     * Before any inventory of {@code file} opens (a namespace's lifecycle, applied at start-up): the rows
     * of {@code from} become {@code to}'s. Returns how many; none when there is no inventory yet (the
     * first one lists the directories' files).
     */
    public static int renameNamespace(Path file, String from, String to) {
        return changeNamespaces(file, t -> t.renameNamespace(from, to));
    }

    /** Before any inventory of {@code file} opens: removes {@code namespace}'s rows. Returns how many. */
    public static int removeNamespace(Path file, String namespace) {
        return changeNamespaces(file, t -> t.removeNamespace(namespace));
    }

    private static int changeNamespaces(Path file, InventoryTable.Work<Integer> change) {
        if (!Files.exists(file)) {
            return 0;
        }
        InventoryTable table = new InventoryTable(file);
        try {
            int changed = change.run(table);
            table.commit();
            return changed;
        } catch (SQLException e) {
            table.rollback();
            throw new IllegalStateException("inventory " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        } finally {
            table.close();
        }
    }

    /**
     * The object's database is about to be opened (and perhaps created): its row exists, marked open,
     * with its name when {@code id} has one, once this completes.
     */
    public CompletableFuture<Void> opening(ObjectId id) {
        return submit(c -> {
            Change earlier = unflushed.remove(id); // the previous activation's last writes and its close come first
            if (earlier != null) {
                apply(c, id, earlier);
            }
            adjust(id.namespace(), c.open(id.namespace(), id.toString(), id.name()));
            return null;
        });
    }

    /** The object committed a write; its database now takes {@code bytes}. Any thread; never blocks. */
    public void written(ObjectId id, long bytes) {
        unflushed.merge(id, Change.write(id.name(), bytes, clock.millis()), Change::then);
    }

    /** The object's database was closed (its activation ended). Any thread; never blocks. */
    public void closed(ObjectId id) {
        unflushed.merge(id, Change.CLOSE, Change::then);
    }

    /** The object's database was deleted: its row goes. Completes once it is gone from the file. */
    public CompletableFuture<Void> removed(ObjectId id) {
        return submit(c -> {
            unflushed.remove(id);
            adjust(id.namespace(), c.remove(id.namespace(), id.toString()));
            return null;
        });
    }

    /** A page of at most {@code limit} objects of {@code namespace}, after {@code cursor}; by name when a prefix is given, else by id. */
    public CompletableFuture<ObjectPage> page(String namespace, Optional<String> namePrefix, Optional<String> cursor, int limit) {
        Optional<PageCursor> after = PageCursor.decode(cursor, namePrefix.isPresent()); // a bad cursor fails here, on the caller's thread
        return submit(c -> {
            flush(c);
            List<StoredObject> rows = c.page(namespace, namePrefix, after, limit + 1);
            if (rows.size() <= limit) {
                return new ObjectPage(rows, Optional.empty());
            }
            List<StoredObject> page = rows.subList(0, limit);
            StoredObject last = page.get(limit - 1);
            PageCursor next = namePrefix.isPresent() ? new PageCursor.AfterName(last.name().orElseThrow(), last.id())
                    : new PageCursor.AfterId(last.id());
            return new ObjectPage(List.copyOf(page), Optional.of(PageCursor.encode(next)));
        });
    }

    /** The row of one object, current (what is in memory flushed first); empty when the inventory has none. */
    public CompletableFuture<Optional<StoredObject>> find(ObjectId id) {
        return submit(c -> {
            flush(c);
            return c.find(id.namespace(), id.toString());
        });
    }

    /** Totals by namespace as of the last flush (for meters, which must not wait). */
    public Map<String, NamespaceTotals> totals() {
        return totals;
    }

    /** Totals by namespace with every write so far counted. */
    public CompletableFuture<Map<String, NamespaceTotals>> currentTotals() {
        return submit(c -> {
            flush(c);
            return totals;
        });
    }

    /** Writes what is in memory to the table now (tests; the thread does it every flush interval). */
    public CompletableFuture<Void> flush() {
        return submit(c -> {
            flush(c);
            return null;
        });
    }

    private <T> CompletableFuture<T> submit(InventoryTable.Work<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closing) {
            done.completeExceptionally(new IllegalStateException("the inventory is closed"));
            return done;
        }
        queue.add(new Task<>(work, done));
        return done;
    }

    private void recover(InventoryTable c) throws SQLException {
        if (c.createdNow()) {
            List<ObjectId> stored;
            try {
                stored = layout.stored();
            } catch (IOException e) {
                throw new SQLException("cannot list the object databases of the data directory: " + e, e);
            }
            for (ObjectId id : stored) {
                c.open(id.namespace(), id.toString(), Optional.empty());
            }
            if (!stored.isEmpty()) {
                LOG.infof("inventory: new; listed the %d object databases of the data directory (their names are learnt as they are called by name)",
                        stored.size());
            }
        }
        int repaired = 0;
        for (StoredObject open : c.openRows()) {
            Path file = layout.databaseFile(open.namespace(), open.id());
            OptionalLong size = sizeOf(file);
            if (size.isEmpty()) {
                c.remove(open.namespace(), open.id());
            } else {
                long modified = Math.max(modifiedMillis(file), modifiedMillis(file.resolveSibling(file.getFileName() + "-wal")));
                c.update(open.namespace(), open.id(), Optional.empty(), OptionalLong.of(size.getAsLong()),
                        modified > 0 ? OptionalLong.of(modified) : OptionalLong.empty(), true);
            }
            repaired++;
        }
        if (repaired > 0) {
            LOG.infof("inventory: %d objects were open when the node last stopped; their rows were refreshed from their files", repaired);
        }
        totals = c.totals();
    }

    private static OptionalLong sizeOf(Path file) {
        try {
            return OptionalLong.of(Files.size(file));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            LOG.warnf("inventory: cannot read the size of %s: %s", file, e);
            return OptionalLong.of(0);
        }
    }

    private static long modifiedMillis(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private void flush(InventoryTable c) throws SQLException {
        for (ObjectId id : List.copyOf(unflushed.keySet())) {
            Change change = unflushed.remove(id);
            if (change != null) {
                apply(c, id, change);
            }
        }
    }

    private void apply(InventoryTable c, ObjectId id, Change change) throws SQLException {
        long delta = c.update(id.namespace(), id.toString(), change.name(), change.bytes(), change.lastWriteMillis(), change.closes());
        if (delta != 0) {
            adjust(id.namespace(), new InventoryTable.Delta(0, delta));
        }
    }

    private void adjust(String namespace, InventoryTable.Delta delta) {
        if (delta.objects() == 0 && delta.bytes() == 0) {
            return;
        }
        Map<String, NamespaceTotals> next = new java.util.HashMap<>(totals);
        next.merge(namespace, NamespaceTotals.NONE.plus(delta.objects(), delta.bytes()), (a, b) -> a.plus(b.objects(), b.bytes()));
        totals = Map.copyOf(next);
    }

    private void run() {
        List<Task<?>> batch = new ArrayList<>();
        long flushedAt = System.nanoTime();
        try {
            while (!closing || !queue.isEmpty()) {
                Task<?> first = queue.poll(flushEveryMillis, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                }
                boolean flushDue = System.nanoTime() - flushedAt >= TimeUnit.MILLISECONDS.toNanos(flushEveryMillis);
                if (flushDue && !unflushed.isEmpty()) {
                    batch.add(new Task<>(c -> {
                        flush(c);
                        return null;
                    }, new CompletableFuture<>()));
                }
                if (flushDue) {
                    flushedAt = System.nanoTime();
                }
                if (!batch.isEmpty()) {
                    runBatch(batch);
                    batch.clear();
                }
            }
            batch.add(new Task<>(c -> {
                flush(c);
                return null;
            }, new CompletableFuture<>()));
            runBatch(batch);
            batch.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Task<?> t : batch) {
                t.done().completeExceptionally(new IllegalStateException("the inventory stopped"));
            }
            Task<?> t;
            while ((t = queue.poll()) != null) {
                t.done().completeExceptionally(new IllegalStateException("the inventory stopped"));
            }
            table.close();
            stopped.complete(null);
        }
    }

    private void runBatch(List<Task<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        try {
            for (Task<?> t : batch) {
                results.add(t.work().run(table));
            }
            table.commit();
        } catch (SQLException | RuntimeException e) {
            LOG.errorf(e, "inventory: a batch of %d operations failed; they are reported failed", batch.size());
            table.rollback();
            try {
                totals = table.totals();
            } catch (SQLException again) {
                LOG.warn("inventory: the totals could not be read again", again);
            }
            for (Task<?> t : batch) {
                t.done().completeExceptionally(e);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Task<T> task, Object result) {
        task.done().complete((T) result);
    }

    /** Runs what is queued, writes what is in memory, then closes the file. */
    @Override
    public void close() {
        closing = true;
        queue.add(new Task<>(c -> null, new CompletableFuture<>())); // wakes the thread from its wait for work
        stopped.join();
    }

    /** What happened to one object since the last flush. */
    private record Change(Optional<String> name, OptionalLong bytes, OptionalLong lastWriteMillis, boolean closes) {
        static final Change CLOSE = new Change(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), true);

        static Change write(Optional<String> name, long bytes, long atMillis) {
            return new Change(name, OptionalLong.of(bytes), OptionalLong.of(atMillis), false);
        }

        /** This change followed by {@code later}. */
        Change then(Change later) {
            return new Change(later.name.or(() -> name), later.bytes.isPresent() ? later.bytes : bytes,
                    later.lastWriteMillis.isPresent() ? later.lastWriteMillis : lastWriteMillis, closes || later.closes);
        }
    }
}
