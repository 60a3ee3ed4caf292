package dev.cairn.history;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of one object's history, in {@code <id>.sqlite.history/} beside its database (so a
 * namespace's rename or deletion takes them along): chapters, each a copy of the database file when it
 * began ({@code <commit>-<time>.base}) and the records of the commits after it ({@code .log}), the
 * commits whose records are not yet written ({@code pending}), and the pending restore, if any ({@code restore}). A chapter counts once its base is complete: the base is
 * renamed into place last. Stateless.
 */
final class HistoryDirectory {
    private static final Pattern CHAPTER = Pattern.compile("(\\d{20})-([0-9a-f]{16})\\.base");
    private static final String RESTORE = "restore";
    private static final String PENDING = "pending";

    /** One chapter: it begins with the state after commit {@code commit}, made at {@code timeMillis}. */
    record Chapter(long commit, long timeMillis, Path base, Path log) {
        Bookmark bookmark(String object) {
            return new Bookmark(timeMillis, commit, object);
        }

        long bytes() throws IOException {
            return sizeOf(base) + sizeOf(log);
        }
    }

    private HistoryDirectory() {}

    static Path of(Path databaseFile) {
        return databaseFile.resolveSibling(databaseFile.getFileName() + ".history");
    }

    /** The chapter that begins after commit {@code commit}, at {@code timeMillis} (its files may not exist yet). */
    static Chapter chapter(Path dir, long commit, long timeMillis) {
        String name = "%020d-%016x".formatted(commit, timeMillis);
        return new Chapter(commit, timeMillis, dir.resolve(name + ".base"), dir.resolve(name + ".log"));
    }

    /** The complete chapters, oldest first; none when there is no history. */
    static List<Chapter> chapters(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Chapter> chapters = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Matcher m = CHAPTER.matcher(p.getFileName().toString());
                if (m.matches()) {
                    Chapter c = chapter(dir, Long.parseLong(m.group(1)), Long.parseUnsignedLong(m.group(2), 16));
                    if (Files.isRegularFile(c.log())) {
                        chapters.add(c);
                    }
                }
            }
        }
        chapters.sort(Comparator.comparingLong(Chapter::commit));
        return chapters;
    }

    /** Files of the directory that belong to no complete chapter (a chapter being written when the process died). */
    private static List<Path> strays(Path dir, List<Chapter> chapters) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !p.getFileName().toString().equals(RESTORE) && !p.getFileName().toString().equals(PENDING))
                    .filter(p -> chapters.stream().noneMatch(c -> c.base().equals(p) || c.log().equals(p)))
                    .toList();
        }
    }

    /** Where the commits not yet copied into the current chapter are listed (see {@link PendingCommits}). */
    static Path pending(Path dir) {
        return dir.resolve(PENDING);
    }

    /**
     * Removes chapters whose every point is before {@code oldestMillis} (the next chapter began before
     * it), then, oldest first, what exceeds {@code maxBytes}; and what a process that died left
     * half-written. The last chapter always stays. By the object's thread (it writes chapters and restore requests).
     */
    static void prune(Path dir, long oldestMillis, long maxBytes) throws IOException {
        List<Chapter> chapters = new ArrayList<>(chapters(dir));
        for (Path stray : strays(dir, chapters)) {
            Files.deleteIfExists(stray);
        }
        long total = 0;
        for (Chapter c : chapters) {
            total += c.bytes();
        }
        while (chapters.size() > 1 && (chapters.get(1).timeMillis() <= oldestMillis || total > maxBytes)) {
            Chapter dropped = chapters.removeFirst();
            total -= dropped.bytes();
            Files.deleteIfExists(dropped.base());
            Files.deleteIfExists(dropped.log());
        }
    }

    /** Records, durably, that the object is to be restored to {@code target} when its database next opens. */
    static void requestRestore(Path dir, Bookmark target) throws IOException {
        Path temporary = dir.resolve(RESTORE + ".tmp");
        try (FileChannel c = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            c.write(java.nio.ByteBuffer.wrap(target.toString().getBytes(StandardCharsets.US_ASCII)));
            c.force(true);
        }
        Files.move(temporary, dir.resolve(RESTORE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        force(dir);
    }

    /** The restore waiting for the database to open, if any. */
    static Optional<Bookmark> pendingRestore(Path dir) throws IOException {
        try {
            return Optional.of(Bookmark.parse(Files.readString(dir.resolve(RESTORE), StandardCharsets.US_ASCII).strip()));
        } catch (NoSuchFileException none) {
            return Optional.empty();
        }
    }

    static boolean restorePending(Path dir) {
        return Files.exists(dir.resolve(RESTORE));
    }

    static void restoreDone(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(RESTORE));
        force(dir);
    }

    /** Removes the whole history (the object was deleted). */
    static void remove(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    static void force(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    static long sizeOf(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException gone) {
            return 0;
        }
    }
}
