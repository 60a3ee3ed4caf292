package dev.cairn.engine;

import dev.cairn.api.ObjectCall;
import java.util.concurrent.CompletableFuture;

/**
 * One queued event: what to run on the instance, when it was queued, the chain of objects waiting
 * for it, and where its reply goes. Created by the caller, handed to the object's thread through the
 * mailbox; the reply completes exactly once.
 */
final class Envelope {
    final ObjectCall<Object, Object> call;
    final long enqueuedAtMillis;
    final CallChain chain;
    final CompletableFuture<Object> reply;

    Envelope(ObjectCall<?, ?> call, long enqueuedAtMillis, CallChain chain) {
        this(call, enqueuedAtMillis, chain, new CompletableFuture<>());
    }

    /** An envelope whose reply is counted in {@code meters} (by outcome) just before it completes. */
    Envelope(ObjectCall<?, ?> call, long enqueuedAtMillis, CallChain chain, CairnMetrics.NamespaceMeters meters) {
        this(call, enqueuedAtMillis, chain, new CountedReply(meters));
    }

    @SuppressWarnings("unchecked")
    private Envelope(ObjectCall<?, ?> call, long enqueuedAtMillis, CallChain chain, CompletableFuture<Object> reply) {
        this.call = (ObjectCall<Object, Object>) call;
        this.enqueuedAtMillis = enqueuedAtMillis;
        this.chain = chain;
        this.reply = reply;
    }

    /**
     * Counts the outcome before completing, so whoever sees the reply also sees it counted. The engine
     * completes each reply exactly once, so each call is counted once, with the outcome the engine gave
     * it (even if a caller cancelled its future meanwhile). Futures derived from it ({@code thenApply},
     * …) are plain {@code CompletableFuture}s and count nothing.
     */
    private static final class CountedReply extends CompletableFuture<Object> {
        private final CairnMetrics.NamespaceMeters meters;

        CountedReply(CairnMetrics.NamespaceMeters meters) {
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
