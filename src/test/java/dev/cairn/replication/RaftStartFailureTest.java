package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What a node says when its Raft server does not start. */
class RaftStartFailureTest {
    private static final Path RAFT = Path.of("/data/n1/raft");

    @Test
    void unreadableRaftMetadataNamesTheFileAndTellsToRebuildTheNodeFromTheOthers() {
        var failure = new CompletionException(new IOException("Failed to load /data/n1/raft/42b3/current/raft-meta",
                new IOException("Failed to parse 'term' from properties: {}", new IOException("'term' not found in properties: {}"))));
        String message = RaftStartFailure.of("n1", RAFT, failure).getMessage();
        assertTrue(message.startsWith("cannot start the Raft server of node n1 in /data/n1/raft: Failed to load"
                + " /data/n1/raft/42b3/current/raft-meta ('term' not found in properties: {}). "), message);
        assertTrue(message.endsWith("Delete this node's data directory (cairn.data-dir) and start it again: it copies every group"
                + " from the other members"), message);
    }

    @Test
    void anyOtherFailureGivesItsCause() {
        var failure = new IllegalStateException("wrapped", new IOException("Address already in use"));
        assertEquals("cannot start the Raft server of node n1 in /data/n1/raft: Address already in use",
                RaftStartFailure.of("n1", RAFT, failure).getMessage());
    }
}
