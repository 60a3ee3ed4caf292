package dev.cairn.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The exclusive lock a Cairn process holds on its data directory while it runs: two processes on one
 * directory would run two instances of the same objects and break the one-event-at-a-time promise. An
 * advisory lock ({@code fcntl}) on {@code <data-dir>/cairn.lock}, which also holds the holder's pid for
 * the message a second process gives; the operating system drops it when the process dies, however it
 * dies, so a crash never leaves the directory locked. Taken at start-up before anything reads the
 * directory, released at shutdown: owned by the service's start and stop.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE = "cairn.lock";

    /**
     * The lock {@link CairnMain} took before Quarkus started, until the service's start adopts it: set
     * once by the main thread, taken once by the producer.
     */
    private static final AtomicReference<DataDirLock> EARLY = new AtomicReference<>();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** {@code dir}, created when missing. @throws IllegalStateException when it cannot be created or written */
    static Path usableDataDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cairn.data-dir: cannot create " + dir.toAbsolutePath() + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalStateException("cairn.data-dir: " + dir.toAbsolutePath() + " is not writable");
        }
        return dir;
    }

    /** Locks {@code dir} before the framework starts; the service's start adopts it (see {@link #forService}). */
    static void takeEarly(Path dir, long pid) {
        DataDirLock early = acquire(dir, pid);
        DataDirLock previous = EARLY.getAndSet(early);
        if (previous != null) {
            previous.close();
        }
    }

    /**
     * The lock of {@code dir} for the service: the one taken early when it is of this directory, else a
     * new one (the early one, of a directory the configuration did not keep, released).
     */
    static DataDirLock forService(Path dir, long pid) {
        DataDirLock early = EARLY.getAndSet(null);
        if (early != null) {
            if (early.dir.equals(absolute(dir))) {
                return early;
            }
            early.close();
        }
        return acquire(dir, pid);
    }

    private static Path absolute(Path dir) {
        return dir.toAbsolutePath().normalize();
    }

    /**
     * Locks {@code dir} for the process {@code pid}.
     *
     * @throws IllegalStateException when another process (or another start in this one) holds it
     */
    static DataDirLock acquire(Path dir, long pid) {
        Path file = dir.resolve(FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                lock = null;
            }
            if (lock == null) {
                String holder = holderOf(channel);
                channel.close();
                throw new IllegalStateException("cairn.data-dir: " + dir.toAbsolutePath() + " is in use by another Cairn process ("
                        + (holder.isEmpty() ? "its pid is not recorded yet" : "pid " + holder) + ", which holds " + file.toAbsolutePath()
                        + "); two processes on one data directory would run two instances of the same objects."
                        + " Stop that process, or give this one another cairn.data-dir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataDirLock(absolute(dir), channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cairn.data-dir: cannot lock " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static String holderOf(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(32);
        channel.read(bytes, 0);
        return new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).strip();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing with the reason that matters
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock on the data directory: " + e.getMessage(), e);
        }
    }
}
