package dev.cairn.runtime;

import dev.cairn.alarms.AlarmIndex;
import dev.cairn.inventory.Inventory;
import dev.cairn.migrations.NamespaceMigrations.NamespaceIndex;
import java.nio.file.Path;
import java.util.List;

/** The node's stores that name namespaces in their entries, as a namespace's lifecycle changes them. Stateless. */
final class NamespaceIndexes {
    private NamespaceIndexes() {}

    /** The alarm index (open, its scheduler not started) and the inventory in {@code inventoryFile} (not open yet). */
    static List<NamespaceIndex> of(AlarmIndex alarms, Path inventoryFile) {
        return List.of(new NamespaceIndex() {
            @Override
            public String entries() {
                return "alarms";
            }

            @Override
            public int rename(String from, String to) {
                return alarms.renameNamespace(from, to);
            }

            @Override
            public int remove(String namespace) {
                return alarms.removeNamespace(namespace);
            }
        }, new NamespaceIndex() {
            @Override
            public String entries() {
                return "inventory rows";
            }

            @Override
            public int rename(String from, String to) {
                return Inventory.renameNamespace(inventoryFile, from, to);
            }

            @Override
            public int remove(String namespace) {
                return Inventory.removeNamespace(inventoryFile, namespace);
            }
        });
    }
}
