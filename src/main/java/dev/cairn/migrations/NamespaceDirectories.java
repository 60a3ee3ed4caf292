package dev.cairn.migrations;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The namespaces' directories in the data directory ({@code <data-dir>/<namespace>/<prefix>/<id>.sqlite}):
 * what they hold, moved whole by one atomic rename, removed file by file. Each change is made durable
 * (the data directory's entry fsynced) before the step that follows it. Stateless.
 */
final class NamespaceDirectories {
    /** What an object's database file ends with; its WAL and shared-memory files add to that. */
    static final String DATABASE_SUFFIX = ".sqlite";
    /** A file system's own directory, found at the root of many volumes. */
    private static final String LOST_AND_FOUND = "lost+found";

    private final Path dataDir;

    NamespaceDirectories(Path dataDir) {
        this.dataDir = dataDir;
    }

    Path of(String namespace) {
        return dataDir.resolve(namespace);
    }

    /** How many object databases {@code namespace}'s directory holds; 0 when it has none or does not exist. */
    int objects(String namespace) throws IOException {
        return objectsIn(of(namespace));
    }

    private static int objectsIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(DATABASE_SUFFIX) && Files.isRegularFile(f)).count();
        }
    }

    boolean exists(String namespace) {
        return Files.isDirectory(of(namespace));
    }

    /** Moves {@code from}'s directory to {@code to} in one step; an empty {@code to} left by an earlier start is replaced. */
    void move(String from, String to) throws IOException {
        Path target = of(to);
        if (Files.isDirectory(target)) {
            removeTree(target);
        }
        Files.move(of(from), target, StandardCopyOption.ATOMIC_MOVE);
        force(dataDir);
    }

    /** Removes {@code namespace}'s directory and everything in it, deepest first. */
    void remove(String namespace) throws IOException {
        removeTree(of(namespace));
        force(dataDir);
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> files = Files.walk(dir)) {
            all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }

    /**
     * The data directory's directories that none of {@code explained} names, hidden ones and the file
     * system's {@value #LOST_AND_FOUND} left out.
     */
    List<NamespaceMigrations.StrayDirectory> unexplained(java.util.Set<String> explained) throws IOException {
        List<NamespaceMigrations.StrayDirectory> strays = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : entries) {
                String name = dir.getFileName().toString();
                if (!explained.contains(name) && !name.startsWith(".") && !name.equals(LOST_AND_FOUND)) {
                    strays.add(new NamespaceMigrations.StrayDirectory(name, objectsIn(dir)));
                }
            }
        }
        strays.sort(Comparator.comparing(NamespaceMigrations.StrayDirectory::name));
        return strays;
    }

    private static void force(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
