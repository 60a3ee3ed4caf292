package dev.cairn.runtime;

import dev.cairn.alarms.AlarmIndex;
import dev.cairn.alarms.AlarmScheduler;
import dev.cairn.inventory.Inventory;
import dev.cairn.storage.log.CommitLog;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The second half of a node's graceful stop ({@link Node#shutdown}), after new calls are refused: waits
 * for the active objects to finish what they have queued (each commits its last batch and closes its
 * database as it stops), refuses what is still queued at the drain timeout, then closes the node's
 * alarms, inventory and commit log. Used once, by the thread stopping the node.
 */
final class ShutdownDrain {
    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);

    private final Catalog catalog;
    private final Duration timeout;
    private final AlarmScheduler alarms;
    private final AlarmIndex alarmIndex;
    private final Inventory inventory;
    private final Optional<CommitLog> commitLog;

    /** {@code commitLog}: the node's, with durability {@code full} on a single node. */
    ShutdownDrain(Catalog catalog, Duration timeout, AlarmScheduler alarms, AlarmIndex alarmIndex, Inventory inventory,
            Optional<CommitLog> commitLog) {
        this.catalog = catalog;
        this.timeout = timeout;
        this.alarms = alarms;
        this.alarmIndex = alarmIndex;
        this.inventory = inventory;
        this.commitLog = commitLog;
    }

    /** Waits, refuses what is left at the timeout, logs the outcome and closes the node's alarms and commit log. */
    void run() {
        long deadline = System.nanoTime() + timeout.toNanos();
        int refused = 0;
        try {
            // Loops activated by calls that passed the shutdown check just before it was set drain
            // themselves (Catalog.deliver); each pass takes the loops active now.
            waitFor(catalog.drainAll(), deadline);
            waitFor(catalog.drainAll(), deadline);
        } catch (TimeoutException e) {
            for (ObjectLoop l : catalog.drainAll()) {
                for (Envelope q : l.mailbox.closeAndTakeAll()) {
                    q.reply.completeExceptionally(Node.shuttingDown());
                    refused++;
                }
            }
            LOG.warnf("shutdown: objects still busy after %s; refused %d queued calls",
                    timeout, refused);
        } catch (Exception e) {
            LOG.warn("shutdown interrupted", e);
        }
        int open = catalog.activeCount();
        if (open == 0) {
            LOG.infof("shutdown: every object stopped, %d queued calls refused; all databases closed", refused);
        } else {
            LOG.warnf("shutdown: %d queued calls refused; %d objects still running a call, their databases stay open"
                    + " until the process exits (what they committed is in the WAL)", refused, open);
        }
        alarms.awaitOutcomes(deadline);
        alarmIndex.close();
        alarms.close();
        inventory.close(); // after the objects' closes: their rows are left open otherwise, and refreshed at the next start
        commitLog.ifPresent(log -> log.close(open == 0));
    }

    private static void waitFor(List<ObjectLoop> loops, long deadlineNanos) throws Exception {
        CompletableFuture<Void> all = CompletableFuture.allOf(loops.stream().map(l -> l.terminated).toArray(CompletableFuture[]::new));
        all.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
