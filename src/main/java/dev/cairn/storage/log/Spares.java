package dev.cairn.storage.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Thread-safe (the writing thread takes, the flusher thread adds): the commit log's spare segment
 * files, zero-filled or flushed, ready to be overwritten by a new segment. Overwriting a written file
 * costs an fsync less metadata than appending to a new one. Spares are never replayed: their names do
 * not end a segment's.
 */
final class Spares {
    private static final Logger LOG = Logger.getLogger(Spares.class);
    /** Spares kept for reuse; a flushed segment beyond them is deleted. */
    private static final int KEPT = 2;

    private final Path dir;
    private final long segmentBytes;
    private final ConcurrentLinkedQueue<Path> ready = new ConcurrentLinkedQueue<>();

    /** The spares a previous run left in {@code dir}. */
    Spares(Path dir, long segmentBytes) throws IOException {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(LogFiles::isSpare).sorted().forEach(ready::add);
        }
    }

    /** A spare to become the next segment, or null when none is ready. */
    Path take() {
        return ready.poll();
    }

    boolean isEmpty() {
        return ready.isEmpty();
    }

    /** A flushed segment: kept as a spare while fewer than {@value #KEPT} are, deleted otherwise. */
    void recycle(Path flushed) throws IOException {
        if (ready.size() < KEPT) {
            Path spare = dir.resolve(LogFiles.SPARE_PREFIX + flushed.getFileName());
            Files.move(flushed, spare, StandardCopyOption.ATOMIC_MOVE);
            LogFiles.forceDirectory(dir);
            ready.add(spare);
        } else {
            Files.delete(flushed);
            LogFiles.forceDirectory(dir);
        }
    }

    /** On the flusher thread: a zero-filled file of a segment's full size, unless a spare is ready. */
    void prepare() {
        if (!ready.isEmpty()) {
            return;
        }
        Path temporary = dir.resolve(LogFiles.SPARE_PREFIX + "new.tmp");
        try (FileChannel f = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long at = 0; at < segmentBytes; at += zeros.capacity()) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), segmentBytes - at));
                while (zeros.hasRemaining()) {
                    f.write(zeros);
                }
            }
            f.force(true);
            Path spare = dir.resolve(LogFiles.SPARE_PREFIX + "zeros-" + System.nanoTime() + LogFiles.SUFFIX);
            Files.move(temporary, spare, StandardCopyOption.ATOMIC_MOVE);
            ready.add(spare);
        } catch (IOException e) {
            LOG.warn("commit log: could not prepare a spare segment; new segments grow as they are written", e);
        }
    }
}
