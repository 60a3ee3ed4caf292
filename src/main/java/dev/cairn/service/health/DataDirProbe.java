package dev.cairn.service.health;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether objects could commit in the data directory right now: a probe file is created there,
 * written, fsynced and deleted, within a time limit. Thread-safe; one probe runs at a time (a probe
 * stuck in the filesystem, e.g. a hung network mount, is not piled upon: later checks report it).
 */
final class DataDirProbe {
    /** Probe files start with a dot: namespace directories start with a letter, so they never meet. */
    static final String PREFIX = ".cairn-ready-";

    /** What can go wrong with the file system, as one step; the real one is {@link #writeFsyncDelete}. */
    @FunctionalInterface
    interface Step {
        void run(Path dir) throws IOException;
    }

    private final Path dir;
    private final Duration timeout;
    private final Step step;
    private CompletableFuture<Void> running;

    DataDirProbe(Path dir, Duration timeout) {
        this(dir, timeout, DataDirProbe::writeFsyncDelete);
    }

    DataDirProbe(Path dir, Duration timeout, Step step) {
        this.dir = dir;
        this.timeout = timeout;
        this.step = step;
    }

    Path dir() {
        return dir;
    }

    /** What kept a probe from a durable write in time: the file system refused it, or took too long (or is blocked). */
    enum Kind { REFUSED, SLOW }

    /** Why a probe failed. */
    record Problem(Kind kind, String message) {}

    /** Empty when the directory took a durable write in time; otherwise why not. */
    Optional<String> problem() {
        return check().map(Problem::message);
    }

    /** Empty when the directory took a durable write in time; otherwise what kept it from one. */
    Optional<Problem> check() {
        CompletableFuture<Void> probe;
        synchronized (this) {
            if (running != null && !running.isDone()) {
                return Optional.of(new Problem(Kind.SLOW, "an earlier probe of " + dir.toAbsolutePath() + " is still blocked in the file system"));
            }
            probe = new CompletableFuture<>();
            running = probe;
        }
        Thread.ofVirtual().name("cairn-data-dir-probe").start(() -> {
            try {
                step.run(dir);
                probe.complete(null);
            } catch (Throwable t) {
                probe.completeExceptionally(t);
            }
        });
        try {
            probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.of(new Problem(Kind.SLOW, "writing a file to " + dir.toAbsolutePath() + " took longer than " + timeout.toMillis() + " ms"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return Optional.of(new Problem(Kind.REFUSED, "cannot write to " + dir.toAbsolutePath() + ": " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new Problem(Kind.SLOW, "interrupted while probing " + dir.toAbsolutePath()));
        }
    }

    /** Creates a probe file, writes a byte, fsyncs it and deletes it. */
    static void writeFsyncDelete(Path dir) throws IOException {
        Path file = Files.createTempFile(dir, PREFIX, ".probe");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1}));
            ch.force(true);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
