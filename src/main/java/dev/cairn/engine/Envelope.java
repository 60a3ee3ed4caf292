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
    final CompletableFuture<Object> reply = new CompletableFuture<>();

    @SuppressWarnings("unchecked")
    Envelope(ObjectCall<?, ?> call, long enqueuedAtMillis, CallChain chain) {
        this.call = (ObjectCall<Object, Object>) call;
        this.enqueuedAtMillis = enqueuedAtMillis;
        this.chain = chain;
    }
}
