package dev.cairn.storage.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * The files of the commit log's directory ({@code <data-dir>/commit-log/}): segments named by their
 * number, spares (flushed or zero-filled segments kept for reuse), and the record layout they share.
 * Stateless.
 */
final class LogFiles {
    /**
     * Record header: length of the rest, CRC32C of what follows the segment number, the segment's
     * number (set when written: a recycled segment's old records carry another and end the replay),
     * WAL offset, length of the database path.
     */
    static final int HEADER = 4 + 4 + 8 + 8 + 2;
    /** Where the CRC starts. */
    static final int CHECKED = 16;
    static final String SPARE_PREFIX = "spare-";
    static final String SUFFIX = ".log";


    private LogFiles() {}

    /** The segment numbered {@code number} in {@code dir}. */
    static Path segment(Path dir, long number) {
        return dir.resolve("%020d%s".formatted(number, SUFFIX));
    }

    /**
     * The highest segment number used in {@code dir}, by a segment or by a spare that was one: a new
     * segment must be numbered above it, or a recycled file's old records would pass for its own.
     */
    static long lastNumber(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(SUFFIX))
                    .map(n -> n.substring(n.startsWith(SPARE_PREFIX) ? SPARE_PREFIX.length() : 0, n.length() - SUFFIX.length()))
                    .filter(n -> !n.isEmpty() && n.chars().allMatch(Character::isDigit))
                    .mapToLong(Long::parseLong).max().orElse(0);
        }
    }

    static boolean isSpare(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(SPARE_PREFIX) && name.endsWith(SUFFIX);
    }

    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
