package dev.cairn.service;

import dev.cairn.api.ObjectId;
import dev.cairn.api.UnknownNamespaceException;
import dev.cairn.inventory.NamespaceTotals;
import dev.cairn.inventory.ObjectPage;
import dev.cairn.inventory.StoredObject;
import dev.cairn.rest.Holdings;
import dev.cairn.rest.model.NamespaceSummary;
import dev.cairn.rest.model.StoredObjectPage;
import dev.cairn.rest.model.StoredObjectSummary;
import dev.cairn.runtime.Node;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin API's view of what the node holds: the inventory's rows (what is stored) joined with what
 * only the running node knows (active objects, open sockets) and the alarm index. Stateless.
 */
@Singleton
final class NodeHoldings implements Holdings {
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
        if (!node.declared().containsKey(namespace)) {
            throw new UnknownNamespaceException("unknown namespace '" + namespace + "'; declared: " + String.join(", ", node.declared().keySet()));
        }
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
}
