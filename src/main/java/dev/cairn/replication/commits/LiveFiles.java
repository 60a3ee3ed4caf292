package dev.cairn.replication.commits;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The object files this node has open in SQLite, as the leader of their group. Such a file is
 * written by SQLite only: a committed entry from another leader must wait until it is closed (the
 * node lost the leadership and evicts its objects) before its pages are written. Thread-safe.
 */
public final class LiveFiles {
    private final ConcurrentHashMap<String, CompletableFuture<Void>> open = new ConcurrentHashMap<>();

    /** {@code file} (relative to the data directory) is opened by an object of this node. */
    public void opened(String file) {
        open.put(file, new CompletableFuture<>());
    }

    /** {@code file} was closed (rolled back first when its last commit failed). */
    public void closed(String file) {
        CompletableFuture<Void> closed = open.remove(file);
        if (closed != null) {
            closed.complete(null);
        }
    }

    /** Completes once none of the files {@code which} selects is open (at once when none is). */
    public CompletableFuture<Void> whenClosed(Predicate<String> which) {
        return CompletableFuture.allOf(open.entrySet().stream().filter(e -> which.test(e.getKey())).map(Map.Entry::getValue)
                .toArray(CompletableFuture[]::new));
    }

    /** Completes once {@code file} is not open (at once when it is not). */
    public CompletableFuture<Void> whenClosed(String file) {
        CompletableFuture<Void> closed = open.get(file);
        return closed == null ? CompletableFuture.completedFuture(null) : closed;
    }
}
