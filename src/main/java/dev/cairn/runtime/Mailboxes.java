package dev.cairn.runtime;

import dev.cairn.api.ObjectId;
import java.util.concurrent.CompletableFuture;

/** The one way into an object's mailbox ({@link Node#deliver}). Thread-safe. */
@FunctionalInterface
interface Mailboxes {
    /** Queues {@code event} for the object (activating it if needed); completes with the event's result. */
    CompletableFuture<Object> deliver(LocalNamespace<?> namespace, ObjectId id, Event event, CallChain chain);
}
