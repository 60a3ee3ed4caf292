package dev.cairn.runtime;

import dev.cairn.api.ObjectId;
import dev.cairn.api.Operation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How a typed call reaches an object that {@link Placement} says lives on another node: the service
 * sends the operation's REST request to that node. A single node has none ({@link #NONE}).
 * Implementations are thread-safe; their stages complete on a thread of their own.
 */
public interface RemoteCalls {

    /** No other node to reach: every such call fails, saying so (a placement that answers Elsewhere needs real remote calls). */
    RemoteCalls NONE = new RemoteCalls() {
        @Override
        public <R> CompletionStage<R> send(String node, ObjectId id, Operation<?, R> operation) {
            return CompletableFuture.failedFuture(new IllegalStateException("object " + id + " of namespace '" + id.namespace()
                    + "' lives on node " + node + ", but this node was built without a way to call other nodes"));
        }
    };

    /**
     * Runs {@code operation} on object {@code id} at {@code node}. The stage completes with the
     * owner's committed result, or fails with what the owner answered: a {@link dev.cairn.api.Refusal}
     * of its status, an {@link dev.cairn.api.OverloadedException}, an {@link dev.cairn.api.ObjectException};
     * a {@link dev.cairn.api.NodeUnreachableException} when the node did not answer.
     */
    <R> CompletionStage<R> send(String node, ObjectId id, Operation<?, R> operation);
}
