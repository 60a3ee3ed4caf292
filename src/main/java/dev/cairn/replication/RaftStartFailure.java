package dev.cairn.replication;

import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Why this node's Raft server did not start, in words an operator can act on. Apache Ratis 3.2.2
 * commits a metadata write that failed (its {@code AtomicFileOutputStream} moves the temporary file
 * into place on close, written or not): a vote or a new term that found the disk full leaves the
 * group's {@code raft-meta} empty, and the server cannot start on it. Its term and vote are lost, and
 * guessing them could let this node vote twice in a term, so the node's data must be rebuilt from the
 * other members. Stateless.
 */
final class RaftStartFailure {
    private RaftStartFailure() {}

    static IllegalStateException of(String node, Path raft, Exception failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String rootMessage = String.valueOf(root.getMessage());
        Optional<String> metadata = Stream.<Throwable>iterate(failure, t -> t != null, Throwable::getCause)
                .map(t -> String.valueOf(t.getMessage())).filter(m -> m.contains("raft-meta")).reduce((outer, inner) -> inner);
        return new IllegalStateException("cannot start the Raft server of node " + node + " in " + raft + ": "
                + metadata.map(m -> m + " (" + rootMessage + "). A group's Raft metadata (its term and vote) is unreadable, as a write"
                        + " that found the disk full leaves it; the node cannot safely rejoin with it. Delete this node's data directory"
                        + " (cairn.data-dir) and start it again: it copies every group from the other members").orElse(rootMessage),
                failure);
    }
}
