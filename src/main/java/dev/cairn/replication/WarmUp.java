package dev.cairn.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * What a member runs once at start, alongside its log's replay and before it says it is ready: Raft's
 * leader code on a scratch group ({@link RaftWarmUp}), then the objects' own code on scratch objects
 * ({@link RaftHost.GroupObjects#warmUp}), both in one temporary directory removed after. Without it, a
 * member back from a restart ran both for the first time in its process when a group's leadership
 * came back to it, the group's calls waiting meanwhile. Thread: one of its own, started once.
 */
final class WarmUp {
    private static final Logger LOG = Logger.getLogger(WarmUp.class);
    /** Each part's bound: past it the node serves without, rather than stay unready. */
    static final Duration LIMIT = Duration.ofSeconds(30);

    private WarmUp() {}

    /** Starts the warm-up in a directory made in {@code temporary}; the stage completes when it is over, whatever its outcome. */
    static CompletableFuture<Void> start(RaftSettings settings, RaftHost.GroupObjects objects, Path temporary) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("cairn-warm-up").start(() -> {
            Path dir = null;
            try {
                dir = Files.createTempDirectory(temporary, "cairn-warm-up");
                new RaftWarmUp(settings, Files.createDirectory(dir.resolve("raft"))).run(LIMIT);
                objects.warmUp(Files.createDirectory(dir.resolve("objects")), LIMIT);
            } catch (IOException | RuntimeException e) {
                LOG.warnf("warm-up: cannot run it in %s (%s); this node's first leaderships may run cold", temporary, e);
            } finally {
                if (dir != null) {
                    remove(dir);
                }
                done.complete(null);
            }
        });
        return done;
    }

    private static void remove(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warnf("warm-up: cannot remove its scratch directory %s: %s", dir, e.getMessage());
        }
    }
}
