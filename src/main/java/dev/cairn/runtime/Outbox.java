package dev.cairn.runtime;

import dev.cairn.sockets.AfterCommit;

import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The output gate of one object loop: effects that must not happen before the current batch is
 * committed (a message sent to a socket, a close, a committed attachment becoming visible). Object
 * code adds them while an event runs; a successful event hands them to the batch, a failed event
 * discards them (like its writes); after the batch's commit {@link ObjectLoop} runs them in order, or
 * discards them when the commit failed. Owned by the loop's thread.
 */
final class Outbox {
    private static final Logger LOG = Logger.getLogger(Outbox.class);

    private final List<AfterCommit> event = new ArrayList<>();
    private final List<AfterCommit> batch = new ArrayList<>();

    void add(AfterCommit effect) {
        event.add(effect);
    }

    /** The running event returned: its effects wait for the batch's commit. */
    void eventSucceeded() {
        if (!event.isEmpty()) {
            batch.addAll(event);
            event.clear();
        }
    }

    /** The running event threw: its effects never happen (last added undone first). */
    void eventFailed() {
        discard(event);
    }

    /** The batch is durable: release its effects in the order they were made. */
    void batchCommitted() {
        if (batch.isEmpty()) {
            return;
        }
        for (AfterCommit e : batch) {
            try {
                e.committed();
            } catch (RuntimeException ex) {
                // One socket's failure must not hold back the others' messages.
                LOG.warn("an effect released after commit failed", ex);
            }
        }
        batch.clear();
    }

    /** The batch was not committed: nothing of it happens. */
    void batchFailed() {
        discard(event);
        discard(batch);
    }

    private static void discard(List<AfterCommit> effects) {
        for (int i = effects.size() - 1; i >= 0; i--) {
            effects.get(i).discarded();
        }
        effects.clear();
    }
}
