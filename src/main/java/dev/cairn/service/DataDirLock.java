package dev.cairn.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
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
            return new DataDirLock(channel, lock);
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
