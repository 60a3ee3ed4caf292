package dev.cairn.replication.snapshots;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;

/**
 * A group's object files as of one committed log index: plain SQLite files (no WAL) at their paths
 * relative to the data directory, in {@code dir}, beside a manifest naming them ({@value #MANIFEST}).
 * The manifest is what makes a directory a snapshot: a snapshot installed from the leader also holds
 * Ratis' checksum files, which are none of its files. Immutable, and so are the files once published:
 * the next snapshot hard-links the ones it does not change.
 *
 * <p>Manifest, version 1, UTF-8 lines: {@code cairn-snapshot 1}, {@code term <t>}, {@code index <n>},
 * then {@code file <bytes> <relative path>} for each file.
 */
public record Snapshot(long term, long index, Path dir, Map<String, Long> files) {
    /** Not a possible namespace name (those are lowercase letters, digits and '-'), so no object directory. */
    static final String MANIFEST = "cairn-snapshot.txt";
    private static final String HEADER = "cairn-snapshot 1";

    public Snapshot {
        files = Map.copyOf(files);
    }

    public TermIndex termIndex() {
        return TermIndex.valueOf(term, index);
    }

    public Path file(String relative) {
        return dir.resolve(relative);
    }

    public long bytes() {
        return files.values().stream().mapToLong(Long::longValue).sum();
    }

    /** What Ratis sends a follower that needs it: the manifest first, then every file (never none, which Ratis cannot send). */
    SnapshotInfo info() {
        List<FileInfo> infos = new ArrayList<>();
        infos.add(new FileInfo(dir.resolve(MANIFEST).toAbsolutePath(), null));
        new TreeMap<>(files).keySet().forEach(f -> infos.add(new FileInfo(file(f).toAbsolutePath(), null)));
        return new FileListSnapshotInfo(infos, termIndex());
    }

    /** Writes the manifest into {@link #dir} (not yet durable). */
    void writeManifest() throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        text.append("term ").append(term).append('\n').append("index ").append(index).append('\n');
        new TreeMap<>(files).forEach((f, size) -> text.append("file ").append(size).append(' ').append(f).append('\n'));
        Files.writeString(dir.resolve(MANIFEST), text, StandardCharsets.UTF_8);
    }

    /**
     * The snapshot in {@code dir}, from its manifest.
     * @throws IOException when the manifest is missing or unreadable, or a file it names is missing or of another size
     */
    static Snapshot read(Path dir) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(MANIFEST), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException(dir + " has no " + MANIFEST + ": not a complete snapshot");
        }
        if (lines.size() < 3 || !lines.get(0).equals(HEADER) || !lines.get(1).startsWith("term ") || !lines.get(2).startsWith("index ")) {
            throw new IOException(dir.resolve(MANIFEST) + " is not a snapshot manifest of version 1");
        }
        long term = Long.parseLong(lines.get(1).substring("term ".length()));
        long index = Long.parseLong(lines.get(2).substring("index ".length()));
        Map<String, Long> files = new TreeMap<>();
        for (String line : lines.subList(3, lines.size())) {
            String[] parts = line.split(" ", 3);
            if (parts.length != 3 || !parts[0].equals("file")) {
                throw new IOException(dir.resolve(MANIFEST) + " holds a line that names no file: " + line);
            }
            long size = Long.parseLong(parts[1]);
            Path file = dir.resolve(parts[2]);
            if (!Files.isRegularFile(file) || Files.size(file) != size) {
                throw new IOException("snapshot " + dir + " lacks " + parts[2] + " of " + size + " bytes");
            }
            files.put(parts[2], size);
        }
        return new Snapshot(term, index, dir, files);
    }
}
