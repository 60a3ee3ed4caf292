package dev.cairn.service;

import dev.cairn.api.ListOptions;
import dev.cairn.api.ObjectId;
import dev.cairn.api.UnknownNamespaceException;
import dev.cairn.inventory.NamespaceTotals;
import dev.cairn.inventory.ObjectPage;
import dev.cairn.inventory.StoredObject;
import dev.cairn.rest.Holdings;
import dev.cairn.rest.model.EntryPage;
import dev.cairn.rest.model.EntryPageEntriesInner;
import dev.cairn.rest.model.NamespaceSummary;
import dev.cairn.rest.model.ObjectDetails;
import dev.cairn.rest.model.QueryRequest;
import dev.cairn.rest.model.QueryResult;
import dev.cairn.rest.model.SocketInfo;
import dev.cairn.rest.model.TableInfo;
import dev.cairn.rest.model.TableInfoColumnsInner;
import dev.cairn.rest.model.StoredObjectPage;
import dev.cairn.rest.model.StoredObjectSummary;
import dev.cairn.runtime.Node;
import dev.cairn.storage.sql.QueryAnswer;
import dev.cairn.storage.TableSummary;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * The admin API's view of what the node holds: the inventory's rows (what is stored) joined with what
 * only the running node knows (active objects, open sockets) and the alarm index. Stateless.
 */
@Singleton
final class NodeHoldings implements Holdings {
    private static final Logger LOG = Logger.getLogger(NodeHoldings.class);
    /** Rows a query answers when it does not say. */
    private static final int DEFAULT_ROWS = 100;
    /** Deletions of a namespace's objects in flight at once (each its own commit and file removal). */
    private static final int DELETE_AT_ONCE = 64;

    private final Node node;

    NodeHoldings(Node node) {
        this.node = node;
    }

    @Override
    public List<NamespaceSummary> namespaces() {
        Map<String, NamespaceTotals> stored = node.inventory().currentTotals().join();
        Map<String, Long> alarms = node.alarms().countByNamespace();
        List<NamespaceSummary> summaries = new ArrayList<>();
        node.declared().forEach((name, kind) -> {
            NamespaceTotals totals = stored.getOrDefault(name, NamespaceTotals.NONE);
            summaries.add(new NamespaceSummary().namespace(name).className(kind.getName())
                    .objectsStored(totals.objects()).bytesStored(totals.bytes())
                    .activeObjects(node.activeCount(name)).openSockets(node.sockets().openSockets(name))
                    .pendingAlarms(alarms.getOrDefault(name, 0L)));
        });
        return summaries;
    }

    @Override
    public StoredObjectPage objects(String namespace, Optional<String> namePrefix, Optional<String> cursor, int limit) {
        requireDeclared(namespace);
        ObjectPage page = node.inventory().page(namespace, namePrefix, cursor, limit).join();
        Map<String, Instant> alarms = node.alarms().scheduledOf(namespace, page.objects().stream().map(StoredObject::id).toList());
        List<StoredObjectSummary> objects = new ArrayList<>(page.objects().size());
        for (StoredObject o : page.objects()) {
            ObjectId id = node.idOf(namespace, o.id());
            objects.add(new StoredObjectSummary().id(o.id()).name(o.name().orElse(null)).bytes(o.bytes())
                    .lastWrite(o.lastWriteMillis().isPresent() ? Instant.ofEpochMilli(o.lastWriteMillis().getAsLong()).atOffset(ZoneOffset.UTC) : null)
                    .active(node.isActive(id)).openSockets(node.sockets().openSockets(id))
                    .alarm(Optional.ofNullable(alarms.get(o.id())).map(t -> t.atOffset(ZoneOffset.UTC)).orElse(null)));
        }
        return new StoredObjectPage().objects(objects).nextCursor(page.nextCursor().orElse(null));
    }

    private void requireDeclared(String namespace) {
        var declared = node.declared();
        if (!declared.containsKey(namespace)) {
            throw new UnknownNamespaceException("unknown namespace '" + namespace + "'; declared: " + String.join(", ", declared.keySet()));
        }
    }

    @Override
    public ObjectDetails inspect(String namespace, String hex) {
        ObjectId id = node.idOf(namespace, hex);
        boolean active = node.isActive(id);
        record Read(long bytes, List<TableSummary> tables, long entries, List<SocketInfo> sockets) {}
        Read read = node.administer(id, (database, sockets, timeLimit) -> new Read(database.size(), database.tables(),
                database.keyValueEntries(), sockets.all().stream().map(s -> new SocketInfo().id(s.id()).tags(List.copyOf(s.tags()))).toList()))
                .join();
        Optional<StoredObject> stored = node.inventory().find(id).join();
        Instant alarm = node.alarms().scheduledOf(namespace, List.of(hex)).get(hex);
        return new ObjectDetails().namespace(namespace).id(hex).name(stored.flatMap(StoredObject::name).orElse(null))
                .bytes(read.bytes())
                .lastWrite(stored.flatMap(o -> o.lastWriteMillis().isPresent() ? Optional.of(o.lastWriteMillis().getAsLong()) : Optional.empty())
                        .map(ms -> Instant.ofEpochMilli(ms).atOffset(ZoneOffset.UTC)).orElse(null))
                .active(active).alarm(alarm == null ? null : alarm.atOffset(ZoneOffset.UTC))
                .tables(read.tables().stream().map(t -> new TableInfo().name(t.name()).rows(t.rows())
                        .columns(t.columns().stream().map(c -> new TableInfoColumnsInner().name(c.name()).type(c.type() == null ? "" : c.type())).toList()))
                        .toList())
                .keyValueEntries(read.entries()).sockets(read.sockets());
    }

    @Override
    public QueryResult query(String namespace, String hex, QueryRequest request, String who) {
        ObjectId id = node.idOf(namespace, hex);
        int maxRows = request.getMaxRows() == null ? DEFAULT_ROWS : request.getMaxRows();
        List<Object> params = request.getParams() == null ? List.of() : request.getParams();
        LOG.infof("admin query by %s on %s/%s: %s", who, namespace, hex, request.getSql());
        record Ran(QueryAnswer answer, Duration timeLimit) {}
        Ran ran = node.administer(id, (database, sockets, timeLimit) -> new Ran(database.readOnlyQuery(request.getSql(), params, maxRows, timeLimit), timeLimit))
                .join();
        return new QueryResult().columns(ran.answer().columns()).rows(ran.answer().rows()).truncated(ran.answer().truncated())
                .maxRows(maxRows).timeLimitMs(ran.timeLimit().toMillis()).elapsedMs(ran.answer().elapsed().toNanos() / 1e6);
    }

    @Override
    public void delete(String namespace, String hex, String who) {
        ObjectId id = node.idOf(namespace, hex);
        node.delete(id).join();
        LOG.infof("admin delete by %s: %s/%s deleted", who, namespace, hex);
    }

    @Override
    public String bookmark(String namespace, String hex, Optional<java.time.Instant> at) {
        ObjectId id = node.idOf(namespace, hex);
        return node.bookmarks(id, b -> at.map(b::forTime).orElseGet(b::current)).join();
    }

    @Override
    public String restore(String namespace, String hex, String bookmark, String who) {
        ObjectId id = node.idOf(namespace, hex);
        String undo = node.bookmarks(id, b -> b.restoreOnNextStart(bookmark)).join();
        LOG.infof("admin restore by %s: %s/%s restored to %s (undo: %s)", who, namespace, hex, bookmark, undo);
        return undo;
    }

    @Override
    public long deleteAll(String namespace, String who) {
        requireDeclared(namespace);
        LOG.infof("admin delete by %s: deleting every object of namespace %s stored on this node", who, namespace);
        long deleted = 0;
        Optional<String> cursor = Optional.empty();
        do {
            ObjectPage page = node.inventory().page(namespace, Optional.empty(), cursor, DELETE_AT_ONCE).join();
            List<CompletableFuture<Void>> deleting = new ArrayList<>();
            for (StoredObject o : page.objects()) {
                ObjectId id = node.idOf(namespace, o.id());
                deleting.add(node.delete(id).thenRun(() -> LOG.debugf("admin delete: %s/%s deleted", namespace, o.id()))
                        .exceptionally(e -> {
                    if (!(e instanceof java.util.NoSuchElementException || e.getCause() instanceof java.util.NoSuchElementException)) {
                        throw e instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(e);
                    }
                    node.inventory().removed(id).join(); // listed, but its file was gone already
                    return null;
                }));
            }
            CompletableFuture.allOf(deleting.toArray(CompletableFuture[]::new)).join();
            deleted += page.objects().size();
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        LOG.infof("admin delete by %s: %d objects of namespace %s deleted", who, deleted, namespace);
        return deleted;
    }

    @Override
    public EntryPage entries(String namespace, String hex, Optional<String> prefix, Optional<String> start, int limit) {
        ObjectId id = node.idOf(namespace, hex);
        ListOptions options = ListOptions.all().withLimit(limit + 1);
        if (prefix.isPresent()) {
            options = options.withPrefix(prefix.get());
        }
        if (start.isPresent()) {
            options = options.withStart(start.get());
        }
        ListOptions asked = options;
        Map<String, Object> found = node.administer(id, (database, sockets, timeLimit) -> database.kv().list(asked, Object.class)).join();
        List<EntryPageEntriesInner> entries = new ArrayList<>();
        String next = null;
        for (var e : found.entrySet()) {
            if (entries.size() == limit) {
                next = e.getKey();
                break;
            }
            entries.add(new EntryPageEntriesInner().key(e.getKey()).value(e.getValue()));
        }
        return new EntryPage().entries(entries).nextStart(next);
    }
}
