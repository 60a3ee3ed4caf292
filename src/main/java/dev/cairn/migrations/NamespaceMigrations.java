package dev.cairn.migrations;

import dev.cairn.namespaces.NamespaceDeclarations;
import dev.cairn.namespaces.NamespaceDeclarations.Lifecycle;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Applies the declared namespace lifecycle to the data directory at start-up, before any object, alarm
 * or listing reads it, and reports the directories no declaration explains (without touching them).
 *
 * <p>A rename moves the old namespace's directory whole, by one atomic rename, after renaming its
 * entries in every {@link NamespaceIndex}; the record ({@value MigrationRecord#FILE}) marks it started
 * before the first step and done after the last, so an interrupted rename is resumed at the next start
 * (each step finds its work done or does it) and a finished one is never applied again, even when the
 * old name is declared anew. The ids stay valid: their key derives from the name the objects were first
 * stored under, which the record keeps. A deletion removes the namespace's index entries, then its
 * files; it is repeated at every start while declared, and finds nothing once done.
 *
 * <p>Thread: runs once, on the thread that starts the node.
 */
public final class NamespaceMigrations {
    private static final Logger LOG = Logger.getLogger(NamespaceMigrations.class);

    /** A store outside the namespaces' directories that names them in its entries: the alarm index, the inventory. */
    public interface NamespaceIndex {
        /** For the log, e.g. "alarms". */
        String entries();

        /** {@code from}'s entries become {@code to}'s, durably; returns how many. */
        int rename(String from, String to);

        /** Removes {@code namespace}'s entries, durably; returns how many. */
        int remove(String namespace);
    }

    /** A directory of the data directory that no declaration explains, and how many object databases it holds. */
    public record StrayDirectory(String name, int objects) {}

    /**
     * {@code keyOrigins}: for each namespace served, the name its objects were first stored under (see
     * {@link NamespaceDeclarations.Declaration#keyFor}); {@code strays}: what was reported.
     */
    public record Outcome(Map<String, String> keyOrigins, List<StrayDirectory> strays) {}

    private final Path dataDir;
    private final NamespaceDirectories directories;
    private final List<NamespaceIndex> indexes;
    private final InstantSource clock;

    public NamespaceMigrations(Path dataDir, List<NamespaceIndex> indexes, InstantSource clock) {
        this.dataDir = dataDir;
        this.directories = new NamespaceDirectories(dataDir);
        this.indexes = List.copyOf(indexes);
        this.clock = clock;
    }

    /**
     * Applies {@code declared}'s lifecycle and reports stray directories.
     *
     * @throws IllegalStateException when a rename would merge two namespaces' objects, or the data directory cannot be changed
     */
    public Outcome apply(NamespaceDeclarations.Declared declared) {
        try {
            Map<String, String> origins = new LinkedHashMap<>();
            if (declared.lifecycle().isEmpty() && !MigrationRecord.exists(dataDir)) {
                declared.live().forEach(d -> origins.put(d.name(), d.name())); // nothing was ever renamed here
            } else {
                try (MigrationRecord record = new MigrationRecord(dataDir)) {
                    for (Lifecycle change : declared.lifecycle()) {
                        switch (change) {
                            case Lifecycle.Renamed renamed -> rename(record, renamed);
                            case Lifecycle.Deleted deleted -> delete(record, deleted.namespace());
                        }
                    }
                    for (var d : declared.live()) {
                        origins.put(d.name(), record.origin(d.name()));
                    }
                }
            }
            Set<String> explained = new HashSet<>(NamespaceDeclarations.RESERVED);
            explained.addAll(origins.keySet());
            List<StrayDirectory> strays = directories.unexplained(explained);
            for (var stray : strays) {
                LOG.warnf("data directory: %s holds %d object databases of namespace '%s', which is not declared: they are not served"
                        + " and left as they are. Declare cairn.namespaces.%s.class to serve them, cairn.namespaces.<new name>.renamed-from=%s"
                        + " to serve them under another name, or cairn.namespaces.%s.deleted=true to remove them",
                        directories.of(stray.name()).toAbsolutePath(), stray.objects(), stray.name(), stray.name(), stray.name(), stray.name());
            }
            return new Outcome(origins, strays);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("namespace lifecycle in " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private void rename(MigrationRecord record, Lifecycle.Renamed r) throws IOException, SQLException {
        String from = r.from();
        String to = r.to();
        MigrationRecord.Progress progress = record.progress(from, to);
        String key = "cairn.namespaces." + to + ".renamed-from=" + from;
        if (progress == MigrationRecord.Progress.DONE) {
            return;
        }
        boolean fromThere = directories.exists(from);
        int toObjects = directories.objects(to);
        if (fromThere && toObjects > 0) {
            throw new IllegalStateException(key + ": both " + directories.of(from).toAbsolutePath() + " (" + directories.objects(from)
                    + " objects) and " + directories.of(to).toAbsolutePath() + " (" + toObjects + " objects) hold objects, and a rename"
                    + " merges nothing. Delete or move one of these directories (with Cairn stopped), or remove renamed-from");
        }
        if (!fromThere && toObjects > 0 && progress == MigrationRecord.Progress.NOT_STARTED) {
            throw new IllegalStateException(key + ": there is no namespace '" + from + "' in " + dataDir.toAbsolutePath()
                    + " to rename, and '" + to + "' already holds " + toObjects + " objects of its own, whose ids the rename would make"
                    + " invalid. Remove renamed-from");
        }
        record.started(from, to, clock.millis());
        int objects = directories.objects(fromThere ? from : to);
        Map<String, Integer> entries = new LinkedHashMap<>();
        for (NamespaceIndex index : indexes) {
            entries.put(index.entries(), index.rename(from, to));
        }
        if (fromThere) {
            directories.move(from, to);
        }
        record.done(from, to, clock.millis());
        LOG.infof("namespace '%s' renamed from '%s'%s: %d objects (%s) now served as '%s', under the same ids",
                to, from, progress == MigrationRecord.Progress.STARTED ? " (an interrupted rename, resumed)" : "", objects,
                describe(entries), to);
    }

    private void delete(MigrationRecord record, String namespace) throws IOException, SQLException {
        boolean there = directories.exists(namespace);
        int objects = directories.objects(namespace);
        Map<String, Integer> entries = new LinkedHashMap<>();
        for (NamespaceIndex index : indexes) {
            entries.put(index.entries(), index.remove(namespace));
        }
        if (there) {
            directories.remove(namespace);
        }
        record.forget(namespace);
        if (there || entries.values().stream().anyMatch(n -> n > 0)) {
            LOG.infof("namespace '%s' deleted (cairn.namespaces.%s.deleted): %d objects and their files removed (%s)", namespace,
                    namespace, objects, describe(entries));
        }
    }

    private static String describe(Map<String, Integer> entries) {
        return entries.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }
}
