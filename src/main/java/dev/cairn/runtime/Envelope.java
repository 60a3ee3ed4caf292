package dev.cairn.runtime;

import dev.cairn.runtime.NodeMeters.NamespaceMeters;

import java.util.concurrent.CompletableFuture;

/**
 * One queued event: what it is, when it was queued, the chain of objects waiting for it, and where its
 * reply goes. Created by {@link Node#deliver}, handed to the object's thread through the mailbox; the
 * reply completes exactly once.
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

        CountedReply(NamespaceMeters meters) {
            this.meters = meters;
        }

        @Override
        public boolean complete(Object value) {
            meters.completed(null);
            return super.complete(value);
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            meters.completed(failure);
            return super.completeExceptionally(failure);
        }
    }
}
