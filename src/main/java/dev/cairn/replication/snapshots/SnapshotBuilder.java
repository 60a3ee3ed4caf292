package dev.cairn.replication.snapshots;

import dev.cairn.replication.commits.Entry;
import dev.cairn.storage.wal.ReplicaWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Builds a group's snapshot at index N from its snapshot at P (or from nothing) and the committed
 * entries (P, N] read back from the log, written into copies by a {@link ReplicaWriter} exactly as a
 * follower writes its files. Never from the live files: a leader's file and its WAL may hold commits
 * not yet committed, and object threads write them meanwhile.
 *
 * <p>Copy on write: a file the entries touch is copied from P before its first entry is applied (a
 * new file's entry carries its bytes); every other file of P is hard-linked, which is safe because a
 * published snapshot's files are never written again. Everything is made durable before
 * {@link #build} returns; publishing (an atomic rename) is {@link SnapshotStore#publish}'s.
 *
 * <p>Stateless: each call runs on its caller's thread alone (the node's snapshot thread).
 */
public final class SnapshotBuilder {
    /** The committed entries of a group, by log index. */
    public interface EntryLog {
        /**
         * The commits of the entry at {@code index}, in order: none when it holds none (a new leader's
         * first entry, a configuration, a confirmation).
         * @throws IOException when the entry is no longer in the log (purged, or replaced by a snapshot installed meanwhile)
         */
        List<Entry> at(long index) throws IOException;
    }

    /** A built snapshot, and what building it took: commits applied, files copied (then written) and hard-linked. */
    record Built(Snapshot snapshot, int entries, int copied, int linked) {}

    private SnapshotBuilder() {}

    /**
     * Builds, in the new directory {@code into}, the snapshot at {@code term}/{@code index} from
     * {@code previous} (null: none, the entries from index 1) and the entries after it.
     * @throws CancellationException when {@code cancelled} says so between two entries
     * @throws IOException when an entry cannot be read or written; {@code into} is left for the caller to remove
     */
    static Built build(Snapshot previous, long term, long index, EntryLog log, Path into, BooleanSupplier cancelled) throws IOException {
        long from = previous == null ? 0 : previous.index();
        if (index < from) {
            throw new IllegalArgumentException("snapshot " + index + " would come before snapshot " + from);
        }
        Map<String, Long> before = previous == null ? Map.of() : previous.files();
        Files.createDirectories(into);
        ReplicaWriter writer = new ReplicaWriter(into);
        Set<String> written = new HashSet<>();
        int entries = 0;
        int copied = 0;
        for (long i = from + 1; i <= index; i++) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("the snapshot at index " + index + " is no longer wanted");
            }
            for (Entry entry : log.at(i)) {
                String file = Path.of(entry.file()).normalize().toString();
                if (written.add(file) && entry.kind() == Entry.Kind.WAL && before.containsKey(file)) {
                    Path copy = into.resolve(file);
                    Files.createDirectories(copy.getParent());
                    Files.copy(previous.file(file), copy);
                    copied++;
                }
                entry.applyTo(writer);
                entries++;
            }
        }
        Map<String, Long> files = new TreeMap<>();
        for (String file : written) {
            Path f = into.resolve(file);
            force(f);
            files.put(file, Files.size(f));
        }
        int linked = 0;
        for (var file : before.entrySet()) {
            if (!written.contains(file.getKey())) {
                link(previous.file(file.getKey()), into.resolve(file.getKey()));
                files.put(file.getKey(), file.getValue());
                linked++;
            }
        }
        Snapshot snapshot = new Snapshot(term, index, into, files);
        snapshot.writeManifest();
        force(into.resolve(Snapshot.MANIFEST));
        forceDirectories(into);
        return new Built(snapshot, entries, copied, linked);
    }

    /** A hard link to an unchanged file; a copy where the file system has no links. */
    private static void link(Path existing, Path link) throws IOException {
        Files.createDirectories(link.getParent());
        try {
            Files.createLink(link, existing);
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(existing, link);
            force(link);
        }
    }

    static void force(Path path) throws IOException {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
            c.force(true);
        }
    }

    /** Makes every directory entry below {@code root} (and root's own) durable, deepest first. */
    static void forceDirectories(Path root) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            all.filter(Files::isDirectory).forEach(dirs::add);
        }
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path dir : dirs) {
            force(dir);
        }
    }
}
