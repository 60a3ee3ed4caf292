package dev.cairn.replication;

import dev.cairn.replication.snapshots.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The live object files of one group in the data directory ({@code <namespace>/<2 hex>/<64 hex>.sqlite},
 * with SQLite's {@code -wal} and {@code -shm} beside a leader's): what a snapshot replaces when the group
 * starts from it or installs one from its leader. Owned by the group's updater thread.
 */
final class GroupFiles {
    private static final Pattern OBJECT_FILE = Pattern.compile("[0-9a-f]{64}\\.sqlite(-wal|-shm)?");

    private final Path dataDir;
    /** Whether an object, by its id's 64 hex digits, belongs to the group. */
    private final Predicate<String> inGroup;

    GroupFiles(Path dataDir, Predicate<String> inGroup) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.inGroup = inGroup;
    }

    /** Every object database file of {@code dataDir} and its companions, outside {@code except} (the Raft directory). */
    static List<Path> all(Path dataDir, Path except) {
        if (!Files.isDirectory(dataDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.find(dataDir, 3, (p, a) -> a.isRegularFile()
                && OBJECT_FILE.matcher(p.getFileName().toString()).matches() && !p.startsWith(except))) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the object files of " + dataDir, e);
        }
    }

    /** Whether {@code file} (relative to the data directory) is one of this group's. */
    boolean holds(String file) {
        String name = Path.of(file).getFileName().toString();
        return OBJECT_FILE.matcher(name).matches() && inGroup.test(name.substring(0, 64));
    }

    /**
     * Replaces every file of the group with the copy {@code snapshot} holds (none when it is null).
     * Copies, never links: live files are written in place, a snapshot's never. Not synced: live files
     * are rebuilt from the snapshot and the log at every start. Returns how many files were removed.
     */
    int replaceWith(Snapshot snapshot) throws IOException {
        int removed = 0;
        for (Path f : all(dataDir, dataDir.resolve(RaftHost.RAFT_DIR))) {
            if (holds(dataDir.relativize(f).toString())) {
                Files.delete(f);
                removed++;
            }
        }
        if (snapshot != null) {
            for (String f : snapshot.files().keySet()) {
                Path live = dataDir.resolve(f);
                Files.createDirectories(live.getParent());
                Files.copy(snapshot.file(f), live);
            }
        }
        return removed;
    }
}
