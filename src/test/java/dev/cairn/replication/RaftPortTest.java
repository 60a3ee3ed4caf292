package dev.cairn.replication;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A member whose Raft port is taken says so, naming the port and the setting, instead of letting Ratis end the process. */
class RaftPortTest {
    @Test
    void aTakenRaftPortIsRefusedNamingItsSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            var refused = assertThrows(IllegalStateException.class, () -> RaftPort.checkFree(taken.getLocalPort()));

            assertTrue(refused.getMessage().contains("port " + taken.getLocalPort()), refused.getMessage());
            assertTrue(refused.getMessage().contains("cairn.cluster.raft-port-offset"), refused.getMessage());
        }
    }

    @Test
    void aFreePortPasses() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertDoesNotThrow(() -> RaftPort.checkFree(port));
    }
}
