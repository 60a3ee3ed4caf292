package dev.cairn.replication;

import java.io.IOException;
import java.net.ServerSocket;

/** This node's Raft port, checked before Ratis binds it. Stateless. */
final class RaftPort {
    private RaftPort() {}

    /**
     * Fails, naming the port and its setting, when this node's Raft port is taken: Ratis would end the
     * whole process when its server cannot bind it, with a line of its own log as the only word.
     */
    static void checkFree(int port) {
        try {
            new ServerSocket(port).close();
        } catch (IOException e) {
            throw new IllegalStateException("this node cannot listen for Raft on port " + port + " (its HTTP port plus"
                    + " cairn.cluster.raft-port-offset): " + e.getMessage() + ". Free the port, or give every member another"
                    + " cairn.cluster.raft-port-offset", e);
        }
    }
}
