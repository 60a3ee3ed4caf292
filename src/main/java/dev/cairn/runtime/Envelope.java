package dev.cairn.runtime;

import dev.cairn.runtime.NodeMeters.NamespaceMeters;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One queued event: what it is, when it was queued, the chain of objects waiting for it, and where its
 * reply goes. Created by {@link Node#deliver}, handed to the object's thread through the mailbox; the
 * reply completes once (later completions do nothing).
 */
final class Envelope {
    final Event event;
    final long enqueuedAtMillis;
    final CallChain chain;
    final CompletableFuture<Object> reply;

    /** An envelope whose reply is counted in {@code meters} (by outcome) just before it completes. */
    Envelope(Event event, long enqueuedAtMillis, CallChain chain, NamespaceMeters meters) {
        this.event = event;
        this.enqueuedAtMillis = enqueuedAtMillis;
        this.chain = chain;
        this.reply = new CountedReply(meters);
    }

    /**
     * Counts the outcome before completing, so whoever sees the reply also sees it counted. The node
     * completes each reply exactly once, so each event is counted once, with the outcome the node gave
     * it (even if a caller cancelled its future meanwhile). Futures derived from it ({@code thenApply},
     * …) are plain {@code CompletableFuture}s and count nothing.
     */
    private static final class CountedReply extends CompletableFuture<Object> {
        private final NamespaceMeters meters;
        /** Set by the first completion: an event timed out is answered by the housekeeper, and again (to no effect) by its loop. */
        private final AtomicBoolean counted = new AtomicBoolean();

        CountedReply(NamespaceMeters meters) {
            this.meters = meters;
        }

        @Override
        public boolean complete(Object value) {
            if (!counted.compareAndSet(false, true)) {
                return false;
            }
            meters.completed(null);
            return super.complete(value);
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            if (!counted.compareAndSet(false, true)) {
                return false;
            }
            meters.completed(failure);
            return super.completeExceptionally(failure);
        }
    }
}
